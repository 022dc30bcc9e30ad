package io.fulmen.runtime;

import io.fulmen.HyperParameter;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.optim.Adam;
import io.fulmen.runtime.checkpoint.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hyperparameters declared once, as a record; and a warning when the three-times style drifts apart. */
class HyperparameterRecordTest {
    @TempDir
    Path root;

    enum Width { NARROW, WIDE }

    record Config(int hidden, float lr, Width width) {
        Config {
            if (hidden <= 0) {
                throw new IllegalArgumentException("hidden must be positive, got " + hidden);
            }
        }
    }

    public static final class RecordClassifier extends Fixtures.Classifier {
        final Config config;

        public RecordClassifier(Config config) {
            super(config.hidden(), () -> Adam.builder().lr(config.lr()).build());
            this.config = saveHyperparameters(config);
        }
    }

    /** Its constructor names "lr" but it only saves "hidden" (the Classifier fixture's own). */
    public static final class ForgetfulClassifier extends Fixtures.Classifier {
        public ForgetfulClassifier(@HyperParameter("hidden") int hidden, @HyperParameter("lr") float lr) {
            super(hidden, () -> Adam.builder().lr(lr).build());
        }
    }

    private Path fitAndSave(LightningModule m) {
        Path file = root.resolve("end.ckpt");
        Callback saveAtEnd = new Callback() {
            @Override
            public void onTrainEnd(TrainerView t, LightningModule module) {
                t.saveCheckpoint(file, false);
            }
        };
        try (var t = Fixtures.quietTrainer(root).maxEpochs(1).callbacks(saveAtEnd).build()) {
            t.fit(m, Fixtures.loader(Fixtures.blobs(128, 8, 1), 32, true));
        }
        return file;
    }

    @Test
    void aRecordIsSavedByComponentAndRebuiltForTheConstructor() {
        Path file;
        try (var m = new RecordClassifier(new Config(12, 1e-2f, Width.WIDE))) {
            assertEquals(Map.of("hidden", 12, "lr", 1e-2f, "width", "WIDE"), m.hparams());
            file = fitAndSave(m);
        }
        try (var loaded = LightningModule.loadFromCheckpoint(RecordClassifier.class, file)) {
            assertEquals(new Config(12, 1e-2f, Width.WIDE), loaded.config);
        }
        try (var loaded = Checkpoints.loadFromCheckpoint(RecordClassifier.class, file,
                Map.of("lr", 1e-3, "width", "NARROW"))) {
            assertEquals(new Config(12, 1e-3f, Width.NARROW), loaded.config, "a double for a float, an enum by name");
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadFromCheckpoint(RecordClassifier.class, file, Map.of("width", "MEDIUM")));
        assertEquals("hyperparameter 'width' = MEDIUM is not one of [NARROW, WIDE]", bad.getMessage());
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadFromCheckpoint(RecordClassifier.class, file, Map.of("hidden", 0)));
        assertEquals("hidden must be positive, got 0", invalid.getMessage(), "the record's own check, unwrapped");
    }

    @Test
    void aConstructorHyperParameterThatIsNotSavedIsReportedAtFitStart() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (var m = new ForgetfulClassifier(12, 1e-2f)) {
            fitAndSave(m);
        } finally {
            System.setErr(previous);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("ForgetfulClassifier's constructor takes @HyperParameter [lr] but "
                + "saveHyperparameters did not save it: loadFromCheckpoint will not rebuild it"), log);
        assertThrows(IllegalArgumentException.class, () -> LightningModule.loadFromCheckpoint(
                ForgetfulClassifier.class, root.resolve("end.ckpt")));

        err.reset();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (var m = new CheckpointsTest.HpClassifier(12, 1e-2f)) {
            fitAndSave(m);
        } finally {
            System.setErr(previous);
        }
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("@HyperParameter"), "all saved: no warning");
    }
}
