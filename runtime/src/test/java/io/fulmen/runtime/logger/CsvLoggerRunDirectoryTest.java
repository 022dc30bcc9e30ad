package io.fulmen.runtime.logger;

import io.fulmen.logging.RunDirectory;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV logger in a shared run directory: by builder, by name, and continuing a run's metrics.csv. */
class CsvLoggerRunDirectoryTest {
    @TempDir
    Path root;

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void aLoggerBuiltWithARunDirectoryWritesIntoIt() {
        RunDirectory run = RunDirectory.under(root);
        CsvLogger logger = CsvLogger.builder(root).runDirectory(run).build();
        assertEquals("fulmen_logs", logger.name());
        assertEquals(root.resolve("fulmen_logs"), logger.rootDir());
        assertEquals(root.resolve("fulmen_logs/version_0"), logger.logDir());
        assertEquals(run.path(), logger.logDir());
        assertEquals("version_0", logger.version());
        assertEquals(Optional.of(run), logger.runDirectory());
        assertEquals(Optional.empty(), new CsvLogger(root).runDirectory());
        assertThrows(IllegalStateException.class, () -> CsvLogger.builder(root).runDirectory(run).version(3).build());
        assertThrows(IllegalStateException.class, () -> CsvLogger.builder(root).name("x").runDirectory(run).build());
    }

    @Test
    void aContinuedRunKeepsTheRowsAndHeaderOfItsMetricsFile() throws Exception {
        CsvLogger first = CsvLogger.builder(root).runDirectory(RunDirectory.under(root)).build();
        first.logMetrics(Map.of("loss", 1.0, "epoch", 0.0), 0);
        first.logMetrics(Map.of("loss", 0.5, "epoch", 0.0), 1);
        first.finish(RunStatus.SUCCESS);
        Path csv = first.logDir().resolve(CsvLogger.METRICS_FILE_NAME);
        assertEquals(List.of("epoch,loss,step", "0,1.0,0", "0,0.5,1"), lines(csv));

        RunDirectory resumed = RunDirectory.under(root);
        assertEquals(Optional.of(first.logDir()), resumed.resumeNewest(dir -> true));
        CsvLogger second = CsvLogger.builder(root).runDirectory(resumed).build();
        second.logMetrics(Map.of("loss", 0.25, "epoch", 1.0), 2);
        second.save();
        assertEquals(List.of("epoch,loss,step", "0,1.0,0", "0,0.5,1", "1,0.25,2"), lines(csv), "appended");
        second.logMetrics(Map.of("val_loss", 0.3, "epoch", 1.0), 2);
        second.finish(RunStatus.SUCCESS);
        assertEquals(List.of("epoch,loss,step,val_loss", "0,1.0,0,", "0,0.5,1,", "1,0.25,2,", "1,,2,0.3"),
                lines(csv), "a new key widens the header; the earlier rows stay");
    }

    @Test
    void theProviderJoinsTheRunDirectoryOnlyWithItsDefaultFolder() {
        ExperimentLoggerProvider provider = new CsvLoggerProvider();
        ProviderContext context = ProviderContext.of(root);
        RunDirectory run = context.runDirectory();
        ExperimentLogger byDefault = provider.create(context.withOptions(provider, Map.of()));
        ExperimentLogger sameFolder = provider.create(context.withOptions(provider,
                Map.of("name", "fulmen_logs", "save_dir", root.toString())));
        assertEquals(Optional.of(run), byDefault.runDirectory());
        assertEquals(Optional.of(run), sameFolder.runDirectory());
        assertEquals(root.resolve("fulmen_logs/version_0"), byDefault.logDir());
        assertEquals(byDefault.logDir(), sameFolder.logDir());

        ExperimentLogger named = provider.create(context.withOptions(provider, Map.of("name", "exp")));
        ExperimentLogger versioned = provider.create(context.withOptions(provider, Map.of("version", "7")));
        ExperimentLogger elsewhere = provider.create(context.withOptions(provider,
                Map.of("save_dir", root.resolve("other").toString())));
        assertEquals(root.resolve("exp/version_0"), named.logDir());
        assertEquals(root.resolve("fulmen_logs/version_7"), versioned.logDir());
        assertEquals(root.resolve("other/fulmen_logs/version_0"), elsewhere.logDir());
        for (ExperimentLogger own : List.of(named, versioned, elsewhere)) {
            assertEquals(Optional.empty(), own.runDirectory());
        }
        assertTrue(Files.isDirectory(run.path()));
    }
}
