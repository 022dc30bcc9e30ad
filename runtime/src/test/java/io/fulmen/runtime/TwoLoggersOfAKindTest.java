package io.fulmen.runtime;

import io.fulmen.runtime.logger.CsvLogger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two loggers of one kind never share a run folder (they would write one metrics.csv between them). */
class TwoLoggersOfAKindTest {
    @TempDir
    Path root;

    @Test
    void twoCsvLoggersInTheRunFolderAreRefusedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.quietTrainer(root).logger("csv", "csv").build());
        assertTrue(e.getMessage().startsWith("two CsvLoggers would write the same files in the run folder"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(": give one its own name or version, or drop one"), e.getMessage());
    }

    @Test
    void aCsvLoggerWithItsOwnVersionBesideTheRunFoldersOneIsFine() throws Exception {
        // quietTrainer says logger(false); naming loggers after it turns logging back on (the last call wins).
        try (var m = new Fixtures.Classifier();
             var t = Fixtures.quietTrainer(root).maxEpochs(1).logEveryNSteps(1).logger("csv")
                     .logger(CsvLogger.builder(root).version("mine").build()).build()) {
            t.fit(m, Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true));
        }
        assertTrue(Files.isRegularFile(root.resolve("fulmen_logs/version_0/metrics.csv")));
        assertTrue(Files.isRegularFile(root.resolve("fulmen_logs/mine/metrics.csv")));
        assertEquals(Files.readAllLines(root.resolve("fulmen_logs/version_0/metrics.csv")).size(),
                Files.readAllLines(root.resolve("fulmen_logs/mine/metrics.csv")).size(), "both got every row");
    }
}
