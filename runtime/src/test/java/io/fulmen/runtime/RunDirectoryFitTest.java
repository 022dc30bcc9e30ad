package io.fulmen.runtime;

import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run directory per Trainer, shared by its loggers and its checkpoints, and {@code ckpt_path="last"} continuing
 * the run of an earlier Trainer with all defaults.
 */
class RunDirectoryFitTest {
    private static final int STEPS_PER_EPOCH = 4;

    @TempDir
    Path root;

    private final DataLoader train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true);

    /** Records the epochs that start training. */
    static final class EpochStarts implements Callback {
        final List<Integer> epochs = new ArrayList<>();

        @Override
        public void onTrainEpochStart(TrainerView t, LightningModule m) {
            epochs.add(t.currentEpoch());
        }
    }

    private TrainerBuilder trainer(int epochs, Callback... callbacks) {
        return Trainer.builder().defaultRootDir(root).maxEpochs(epochs).logEveryNSteps(1).seed(7)
                .enableProgressBar(false).enableModelSummary(false).callbacks(callbacks);
    }

    private Path version(int n) {
        return root.resolve("fulmen_logs").resolve("version_" + n);
    }

    private static ModelCheckpoint savingLast() {
        return ModelCheckpoint.builder().saveLast(true).build();
    }

    @Test
    void theLoggerAndTheCheckpointsShareOneVersionPerTrainer() throws Exception {
        for (int run = 0; run < 2; run++) {
            try (var m = new Fixtures.Classifier(); var t = trainer(1).logger("csv").build()) {
                t.fit(m, train);
                assertEquals(version(run), t.view().logDir());
                assertEquals(version(run), t.view().loggers().get(0).logDir());
            }
            assertTrue(Files.isRegularFile(version(run).resolve("metrics.csv")));
            assertTrue(Files.isRegularFile(version(run).resolve("hparams.yaml")));
            assertTrue(Files.isRegularFile(version(run).resolve("checkpoints/epoch=0-step=4.ckpt")));
        }
        assertFalse(Files.exists(version(2)));
    }

    @Test
    void lastContinuesTheRunOfAnEarlierTrainerInItsFolder() throws Exception {
        try (var m = new Fixtures.Classifier(); var a = trainer(2, savingLast()).build()) {
            a.fit(m, train);
            assertEquals(2 * STEPS_PER_EPOCH, a.view().globalStep());
        }
        Path csv = version(0).resolve("metrics.csv");
        List<String> rowsOfA = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(1 + 2 * STEPS_PER_EPOCH, rowsOfA.size(), rowsOfA.toString());
        assertTrue(Files.exists(version(0).resolve("checkpoints/last.ckpt")));

        EpochStarts starts = new EpochStarts();
        String warnings = stderrOf(() -> {
            try (var m = new Fixtures.Classifier(); var b = trainer(3, savingLast(), starts).build()) {
                b.fit(m, train, CkptPath.LAST);
                assertEquals(List.of(2), starts.epochs, "B resumes after A's two epochs");
                assertEquals(3, b.view().currentEpoch());
                assertEquals(3 * STEPS_PER_EPOCH, b.view().globalStep());
                assertEquals(version(0), b.view().logDir());
                assertEquals(version(0).resolve("checkpoints/last.ckpt").toAbsolutePath(),
                        b.view().ckptPath().toAbsolutePath(), "Lightning's trainer.ckpt_path");
            }
            return null;
        });
        assertFalse(warnings.contains("exists and is not empty"), "continuing a run there is not an accident: "
                + warnings);
        assertFalse(Files.exists(version(1)), "B continues A's version instead of claiming one");
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(rowsOfA, rows.subList(0, rowsOfA.size()), "A's header and rows are kept");
        assertEquals(rowsOfA.size() + STEPS_PER_EPOCH, rows.size(), rows.toString());
        List<String> header = List.of(rows.get(0).split(","));
        for (String row : rows.subList(rowsOfA.size(), rows.size())) {
            String[] cells = row.split(",", -1);
            assertEquals("2", cells[header.indexOf("epoch")], row);
            assertTrue(Long.parseLong(cells[header.indexOf("step")]) >= 2 * STEPS_PER_EPOCH, row);
        }
        assertTrue(Files.exists(version(0).resolve("checkpoints/epoch=2-step=12.ckpt")));
    }

    @Test
    void lastWithNothingToResumeWarnsNamingTheFoldersSearchedAndStartsANewVersion() throws Exception {
        try (var m = new Fixtures.Classifier(); var a = trainer(1).build()) {
            a.fit(m, train); // checkpoints, but no last.ckpt
        }
        String warnings = stderrOf(() -> {
            try (var m = new Fixtures.Classifier(); var b = trainer(1, savingLast()).build()) {
                b.fit(m, train, CkptPath.LAST);
                assertEquals(STEPS_PER_EPOCH, b.view().globalStep(), "trained from scratch");
                assertEquals(version(1), b.view().logDir());
            }
            return null;
        });
        assertTrue(warnings.contains("no last checkpoint in "
                + root.resolve("fulmen_logs").toAbsolutePath().resolve("version_*").resolve("checkpoints")),
                warnings);
        assertTrue(warnings.contains("a new version starts: version_1"), warnings);
        assertTrue(Files.exists(version(1).resolve("checkpoints/last.ckpt")));
    }

    @Test
    void aCheckpointFolderOfItsOwnIsResumedWithoutContinuingAnEarlierVersion() throws Exception {
        Path dir = root.resolve("ckpts");
        try (var m = new Fixtures.Classifier();
             var a = trainer(1, ModelCheckpoint.builder().dirpath(dir).saveLast(true).build()).build()) {
            a.fit(m, train);
        }
        try (var m = new Fixtures.Classifier();
             var b = trainer(2, ModelCheckpoint.builder().dirpath(dir).saveLast(true).build()).build()) {
            b.fit(m, train, CkptPath.LAST);
            assertEquals(2 * STEPS_PER_EPOCH, b.view().globalStep(), "resumed from " + dir);
            assertEquals(version(1), b.view().logDir(), "the loggers take a new version");
        }
    }

    private static String stderrOf(Supplier<Void> body) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.get();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
