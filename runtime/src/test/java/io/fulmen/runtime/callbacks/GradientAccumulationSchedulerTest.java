package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lightning's GradientAccumulationScheduler: validation of the schedule, factors by epoch in a real fit. */
class GradientAccumulationSchedulerTest {
    @TempDir
    Path root;

    /** Linear regression: small, deterministic, with gradients that depend on how batches are summed. */
    static class Regression extends LightningModule {
        final Block net = Linear.builder().setUnits(1).build();
        final boolean manual;

        Regression() {
            this(false);
        }

        Regression(boolean manual) {
            this.manual = manual;
            setAutomaticOptimization(!manual);
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            if (manual) {
                return null;
            }
            return Losses.mse(forward(batch.getData()).head(), batch.getLabels().head());
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            log("val_loss", Losses.mse(forward(batch.getData()).head(), batch.getLabels().head()));
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(0.1f).build());
        }
    }

    static DataLoader data() {
        float[] x = new float[16 * 3];
        float[] y = new float[16];
        for (int i = 0; i < 16; i++) {
            x[3 * i] = i / 16f;
            x[3 * i + 1] = (i % 3) / 3f;
            x[3 * i + 2] = 1f - i / 16f;
            y[i] = 2 * x[3 * i] - x[3 * i + 1] + 0.5f;
        }
        return DataLoader.of(TensorDataset.builder().data(x, new Shape(3)).labels(y, new Shape(1)).build())
                .batchSize(4).build();
    }

    /** The global step at the end of every epoch and the final weights. */
    static final class Steps implements Callback {
        final List<Long> atEpochEnd = new ArrayList<>();
        final List<Integer> factors = new ArrayList<>();
        float[] weights;

        @Override
        public void onTrainEpochStart(TrainerView t, LightningModule m) {
            factors.add(t.accumulateGradBatches());
        }

        @Override
        public void onTrainEpochEnd(TrainerView t, LightningModule m) {
            atEpochEnd.add(t.globalStep());
        }

        @Override
        public void onTrainEnd(TrainerView t, LightningModule m) {
            weights = m.block().getParameters().get(0).getValue().getArray().toFloatArray();
        }
    }

    private TrainerBuilder trainer(int epochs) {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .logger(false).enableCheckpointing(false).seed(5).maxEpochs(epochs);
    }

    @Test
    void theFactorChangesAtTheScheduledEpochs() {
        Steps steps = new Steps();
        Map<Integer, Integer> scheduling = new LinkedHashMap<>();
        scheduling.put(1, 2);
        scheduling.put(2, 4);
        try (var m = new Regression(); var t = trainer(4).callbacks(new GradientAccumulationScheduler(scheduling),
                steps).build()) {
            t.fit(m, data());
        }
        // 4 batches per epoch: epoch 0 factor 1 (0 filled in) = 4 steps, epoch 1 factor 2 = 2, epochs 2-3 factor 4.
        assertEquals(List.of(1, 2, 4, 4), steps.factors);
        assertEquals(List.of(4L, 6L, 7L, 8L), steps.atEpochEnd);
    }

    @Test
    void aScheduleFromEpochZeroTrainsAsTheTrainersOwnSetting() {
        Steps scheduled = new Steps();
        try (var m = new Regression(); var t = trainer(2).callbacks(scheduled,
                new GradientAccumulationScheduler(Map.of(0, 2))).build()) {
            t.fit(m, data());
        }
        Steps fixed = new Steps();
        try (var m = new Regression(); var t = trainer(2).accumulateGradBatches(2).callbacks(fixed).build()) {
            t.fit(m, data());
        }
        assertEquals(List.of(2L, 4L), scheduled.atEpochEnd);
        assertArrayEquals(fixed.weights, scheduled.weights, "the loss is divided by the scheduled factor too");
    }

    @Test
    void lightningsValidationOfTheSchedule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GradientAccumulationScheduler(Map.of()));
        assertTrue(e.getMessage().startsWith("Empty dict cannot be interpreted correct"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GradientAccumulationScheduler(Map.of(-1, 2)));
        assertEquals("Epoch should be an int greater than or equal to 0. Got [-1].", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GradientAccumulationScheduler(Map.of(2, 0)));
        assertEquals("Accumulation factor should be an int greater than 0. Got [0].", e.getMessage());
        GradientAccumulationScheduler s = new GradientAccumulationScheduler(Map.of(4, 2));
        assertEquals(Map.of(0, 1, 4, 2), s.scheduling());
        assertEquals(1, s.accumulateGradBatches(3));
        assertEquals(2, s.accumulateGradBatches(9));
    }

    @Test
    void manualOptimizationAndTheTrainersOwnAccumulationAreRefused() {
        try (var m = new Regression(true); var t = trainer(1).callbacks(
                new GradientAccumulationScheduler(Map.of(0, 2))).build()) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> t.fit(m, data()));
            assertTrue(messages(e).contains("is not supported for manual optimization"), messages(e));
        }
        try (var m = new Regression(); var t = trainer(1).accumulateGradBatches(2).callbacks(
                new GradientAccumulationScheduler(Map.of(0, 2))).build()) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> t.fit(m, data()));
            assertTrue(messages(e).contains("Either remove `accumulate_grad_batches` from the Trainer or remove "
                    + "the callback"), messages(e));
        }
    }

    @Test
    void availableByName() {
        try (Trainer t = trainer(1).callbacks("gradient_accumulation_scheduler")
                .option("gradient_accumulation_scheduler.scheduling", "{0: 1, 3: 4}").build()) {
            GradientAccumulationScheduler s = assertInstanceOf(GradientAccumulationScheduler.class,
                    t.callbacks().get(0));
            assertEquals(Map.of(0, 1, 3, 4), s.scheduling());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientAccumulationSchedulerProvider.parse("0:1,4"));
        assertTrue(e.getMessage().contains("'4' is not epoch:factor"), e.getMessage());
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
