package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataSource;
import io.fulmen.optim.Interval;
import io.fulmen.optim.LrSchedulerConfig;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.ReduceLROnPlateau;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.callbacks.LearningRateMonitor;
import io.fulmen.spi.ExperimentLogger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ReduceLROnPlateau in real fits, stepped by the Trainer with a scripted metric the module logs; the expected rates
 * follow torch's rules (derived in ReduceLROnPlateauTest's style in the comments) and Lightning's stepping points.
 */
class PlateauScheduleFitTest {
    @TempDir
    Path root;

    /** Logs {@code score} = script[epoch] at the end of every training epoch (or per step for a step schedule). */
    static final class Scripted extends Fixtures.Classifier {
        private final double[] script;
        private final boolean perStep;
        private final Function<ReduceLROnPlateau, LrSchedulerConfig> schedule;

        Scripted(double[] script, boolean perStep, Function<ReduceLROnPlateau, LrSchedulerConfig> schedule) {
            super(8, () -> Sgd.builder().lr(0.5f).build());
            this.script = script;
            this.perStep = perStep;
            this.schedule = schedule;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = super.trainingStep(batch, batchIdx);
            if (perStep) {
                log("score", script[(int) trainer().globalStep()], LogOptions.stepOnly());
            }
            return loss;
        }

        @Override
        public void onTrainEpochEnd() {
            if (!perStep) {
                log("score", script[trainer().currentEpoch()]);
            }
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(optimizer.get()).withScheduler(schedule.apply(
                    ReduceLROnPlateau.builder().factor(0.5).patience(2).threshold(0.1).cooldown(1).build()));
        }
    }

    /** The learning rate at the start of every epoch (or batch), and at the end of training. */
    static final class Rates implements Callback {
        final List<Float> atStart = new ArrayList<>();
        final boolean perBatch;
        float last;

        Rates(boolean perBatch) {
            this.perBatch = perBatch;
        }

        @Override
        public void onTrainEpochStart(TrainerView t, LightningModule m) {
            if (!perBatch) {
                atStart.add(t.learningRates().get(0));
            }
        }

        @Override
        public void onTrainBatchStart(TrainerView t, LightningModule m, Batch b, int i) {
            if (perBatch) {
                atStart.add(t.learningRates().get(0));
            }
        }

        @Override
        public void onTrainEnd(TrainerView t, LightningModule m) {
            last = t.learningRates().get(0);
        }
    }

    private static final double[] EPOCH_SCRIPT = {10, 9.5, 8.9, 8.5, 8.4, 8.3, 7, 7};

    private TrainerBuilder trainer(int epochs, Callback... callbacks) {
        return Fixtures.quietTrainer(root).maxEpochs(epochs).callbacks(callbacks);
    }

    private static io.fulmen.data.DataLoader data() {
        return Fixtures.loader(Fixtures.blobs(32, 8, 5), 16, true);
    }

    private static LrSchedulerConfig monitorScore(ReduceLROnPlateau p) {
        return LrSchedulerConfig.builder(p).monitor("score").build();
    }

    @Test
    void epochScheduleStepsAfterOnTrainEpochEndWithTheLoggedMetric() {
        Rates rates = new Rates(false);
        try (var m = new Scripted(EPOCH_SCRIPT, false, PlateauScheduleFitTest::monitorScore);
             var t = trainer(8, rates).build()) {
            t.fit(m, data());
        }
        // torch with factor 0.5, patience 2, threshold 0.1 (rel), cooldown 1 over 10, 9.5, 8.9, 8.5, 8.4, 8.3, 7, 7:
        // best 10; 9.5 bad1; 8.9 best; 8.5, 8.4 bad1,2; 8.3 bad3: 0.5 -> 0.25 (cooldown 1); 7 best; 7 bad1.
        assertEquals(List.of(0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.25f, 0.25f), rates.atStart);
        assertEquals(0.25f, rates.last);
    }

    @Test
    void frequencyCountsEpochsAsLightningDoes() {
        Rates rates = new Rates(false);
        double[] script = {5, 5, 4, 4, 4, 4, 3, 3};
        try (var m = new Scripted(script, false,
                p -> LrSchedulerConfig.builder(ReduceLROnPlateau.builder().factor(0.5).patience(0).build())
                        .monitor("score").frequency(2).build());
             var t = trainer(8, rates).build()) {
            t.fit(m, data());
        }
        // Steps after epochs 1, 3, 5, 7 ((epoch + 1) % 2 == 0) see 5 (best), 4 (best), 4 (bad1 > 0: 0.25), 3 (best).
        assertEquals(List.of(0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.25f, 0.25f), rates.atStart);
        assertEquals(0.25f, rates.last);
    }

    @Test
    void stepScheduleStepsAfterEveryOptimizerStep() {
        Rates rates = new Rates(true);
        double[] script = {3, 2, 2, 1, 1, 1};
        try (var m = new Scripted(script, true,
                p -> LrSchedulerConfig.builder(ReduceLROnPlateau.builder().factor(0.5).patience(0).build())
                        .monitor("score").interval(Interval.STEP).build());
             var t = Fixtures.quietTrainer(root).maxSteps(6).callbacks(rates).build()) {
            t.fit(m, data());
        }
        // patience 0: 3 best, 2 best, 2 bad: 0.25, 1 best, 1 bad: 0.125, 1 bad: 0.0625.
        assertEquals(List.of(0.5f, 0.5f, 0.5f, 0.25f, 0.25f, 0.125f), rates.atStart);
        assertEquals(0.0625f, rates.last);
    }

    @Test
    void aMissingMetricFailsWhenStrictAndIsSkippedOtherwise() {
        try (var m = new Scripted(EPOCH_SCRIPT, false,
                p -> LrSchedulerConfig.builder(p).monitor("val_loss").build());
             var t = trainer(2).build()) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> t.fit(m, data()));
            String message = messages(e);
            assertTrue(message.contains("ReduceLROnPlateau conditioned on metric val_loss which is not available. "
                    + "Available metrics are: ["), message);
            assertTrue(message.contains("score"), message);
        }
        Rates rates = new Rates(false);
        try (var m = new Scripted(new double[] {1, 1, 1, 1}, false,
                p -> LrSchedulerConfig.builder(ReduceLROnPlateau.builder().patience(0).build())
                        .monitor("val_loss").strict(false).build());
             var t = trainer(4, rates).build()) {
            t.fit(m, data());
        }
        assertEquals(List.of(0.5f, 0.5f, 0.5f, 0.5f), rates.atStart);
        assertEquals(0.5f, rates.last);
    }

    @Test
    void theLearningRateMonitorUsesTheScheduleName() {
        List<String> logged = new ArrayList<>();
        ExperimentLogger memory = new ExperimentLogger() {
            @Override
            public String name() {
                return "memory";
            }

            @Override
            public String version() {
                return "0";
            }

            @Override
            public void logHyperparams(Map<String, Object> params) {}

            @Override
            public void logMetrics(Map<String, Double> metrics, long step) {
                metrics.forEach((k, v) -> {
                    if (k.startsWith("lr")) {
                        logged.add(step + " " + k + "=" + v);
                    }
                });
            }
        };
        try (var m = new Scripted(EPOCH_SCRIPT, false,
                p -> LrSchedulerConfig.builder(p).monitor("score").name("lr-main").build());
             var t = trainer(7, new LearningRateMonitor()).logger(memory).build()) {
            t.fit(m, data());
        }
        // An epoch schedule is logged at each epoch start (2 steps per epoch) under its name.
        assertEquals(List.of("0 lr-main=0.5", "2 lr-main=0.5", "4 lr-main=0.5", "6 lr-main=0.5", "8 lr-main=0.5",
                "10 lr-main=0.5", "12 lr-main=0.25"), logged);
    }

    /** Saves a full checkpoint at the end of one epoch, as a monitoring callback (ModelCheckpoint) does. */
    static final class SaveAtEpochEnd implements Callback {
        private final int epoch;
        private final Path file;

        SaveAtEpochEnd(int epoch, Path file) {
            this.epoch = epoch;
            this.file = file;
        }

        @Override
        public boolean monitorsMetrics() {
            return true;
        }

        @Override
        public void onTrainEpochEnd(TrainerView t, LightningModule m) {
            if (t.currentEpoch() == epoch) {
                t.saveCheckpoint(file, false);
            }
        }
    }

    @Test
    void aSaveBeforeTheEpochsPlateauStepResumesWithThatStep() {
        Rates straight = new Rates(false);
        try (var m = new Scripted(EPOCH_SCRIPT, false, PlateauScheduleFitTest::monitorScore);
             var t = trainer(8, straight).seed(11).build()) {
            t.fit(m, data());
        }
        Path ckpt = root.resolve("epoch5.ckpt");
        try (var m = new Scripted(EPOCH_SCRIPT, false, PlateauScheduleFitTest::monitorScore);
             var t = trainer(8, new SaveAtEpochEnd(5, ckpt)).seed(11).maxEpochs(6).build()) {
            t.fit(m, data());
        }
        Rates resumed = new Rates(false);
        try (var m = new Scripted(EPOCH_SCRIPT, false, PlateauScheduleFitTest::monitorScore);
             var t = trainer(8, resumed).seed(11).build()) {
            t.fit(m, DataSource.loaders(data(), null), CkptPath.of(ckpt));
        }
        // Epoch 5's step (8.3: the reduction) was due but not run at the save; the resumed fit runs it first.
        assertEquals(straight.atStart.subList(6, 8), resumed.atStart);
        assertEquals(List.of(0.25f, 0.25f), resumed.atStart);
        assertEquals(straight.last, resumed.last);
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
