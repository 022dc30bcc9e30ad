package io.fulmen.runtime;

import io.fulmen.LightningModule;
import io.fulmen.LoopConfig;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What callbacks read of the loop schedule instead of inferring it from the order of hook calls. */
class TrainerViewTest {
    @TempDir
    Path root;

    /** Records the view's schedule when training starts. */
    static final class Schedule implements Callback {
        LoopConfig config;
        long numValBatches = -2;
        boolean decided;

        @Override
        public void onTrainStart(TrainerView t, LightningModule m) {
            config = t.config();
            numValBatches = t.numValBatches();
            decided = t.reduceBooleanDecision(true, true);
            t.barrier("train_start");
        }
    }

    @Test
    void theViewShowsTheValidationScheduleAndTheValidationLength() {
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true);
        var val = Fixtures.loader(Fixtures.blobs(160, 8, 2), 32, false);
        Schedule schedule = new Schedule();
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(1)
                .valCheckInterval(0.5).checkValEveryNEpoch(1).limitValBatches(3).callbacks(schedule).build()) {
            t.fit(m, train, val);
        }
        assertEquals(0.5, schedule.config.valCheckInterval().doubleValue());
        assertEquals(1, schedule.config.checkValEveryNEpoch());
        assertFalse(schedule.config.validatesOnceAtEveryEpochEnd());
        assertEquals(3, schedule.numValBatches, "5 batches limited to 3");
        assertTrue(schedule.decided, "one process: its own decision");
    }

    @Test
    void withoutValidationTheViewSaysZeroValidationBatches() {
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true);
        Schedule schedule = new Schedule();
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(1)
                .callbacks(schedule).build()) {
            t.fit(m, train);
        }
        assertEquals(0, schedule.numValBatches);
        assertTrue(schedule.config.validatesOnceAtEveryEpochEnd(), "Lightning's defaults");
        assertEquals(1, schedule.config.maxEpochs());
    }

    @Test
    void fastDevRunSavesNoCheckpointEvenWithAModelCheckpointGiven() throws IOException {
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true);
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 2), 32, false);
        Path dir = root.resolve("ckpts");
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).fastDevRun(true)
                .callbacks(ModelCheckpoint.builder().dirpath(dir).build()).build()) {
            t.fit(m, train, val);
            assertEquals(1, t.view().config().fastDevRun());
        }
        try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            assertEquals(0, files.count(), "Lightning's _should_skip_saving_checkpoint: fast_dev_run");
        }
    }

    @Test
    void evaluationBarsCountToTheirTotal() {
        var data = Fixtures.loader(Fixtures.blobs(96, 8, 1), 32, false); // 3 batches
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var m = new Fixtures.Classifier(); var t = Trainer.builder().defaultRootDir(root).logger(false)
                .enableModelSummary(false).enableCheckpointing(false).maxEpochs(1).numSanityValSteps(0)
                .output(new java.io.PrintStream(bytes, true), false).build()) {
            t.fit(m, data, data);
            t.test(m, data);
            assertEquals(-1, t.view().numEvaluationBatches(), "none runs now");
        }
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("Testing: 100%") && out.contains("3/3"), out);
    }
}
