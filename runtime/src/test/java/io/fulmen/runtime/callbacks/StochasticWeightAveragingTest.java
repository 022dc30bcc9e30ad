package io.fulmen.runtime.callbacks;

import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Schedules;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lightning's StochasticWeightAveraging in real fits: which epochs are averaged, SWALR's rates, validation. */
class StochasticWeightAveragingTest {
    @TempDir
    Path root;

    /** The regression module with StepLR(1, 0.5) per epoch, which SWA must take over. */
    static final class Scheduled extends GradientAccumulationSchedulerTest.Regression {
        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(0.1f).build()).withScheduler(Schedules.step(1, 0.5f),
                    Interval.EPOCH);
        }
    }

    /** Weights and learning rate at every epoch start. */
    static final class AtEpochStart implements Callback {
        final Map<Integer, float[]> weights = new TreeMap<>();
        final List<Float> rates = new ArrayList<>();

        @Override
        public void onTrainEpochStart(TrainerView t, LightningModule m) {
            if (m.block().getParameters().get(0).getValue().isInitialized()) {
                weights.put(t.currentEpoch(), WeightAveragingTest.weights(m));
            }
            rates.add(t.learningRates().get(0));
        }
    }

    private TrainerBuilder trainer(int epochs) {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .logger(false).enableCheckpointing(false).seed(5).maxEpochs(epochs);
    }

    @Test
    void averagesTheWeightsAtTheStartOfEpochsSwaStartToTheLastAndAnnealsTheRate() {
        AtEpochStart seen = new AtEpochStart();
        float[] last;
        try (var m = new Scheduled(); var t = trainer(5).callbacks(seen,
                new StochasticWeightAveraging(0.05, 3, 2, StochasticWeightAveraging.Annealing.COS)).build()) {
            t.fit(m, GradientAccumulationSchedulerTest.data());
            last = WeightAveragingTest.weights(m);
        }
        // swa_epoch_start 3 -> swa_start 2 (0-based), swa_end 4: the weights at the start of epochs 2, 3, 4.
        float[] avg = seen.weights.get(2).clone();
        for (int e = 3; e <= 4; e++) {
            float[] w = seen.weights.get(e);
            int n = e - 2;
            for (int i = 0; i < avg.length; i++) {
                avg[i] = avg[i] + (w[i] - avg[i]) / (n + 1);
            }
        }
        assertArrayEquals(avg, last, 1e-7f);
        // StepLR halves the rate until SWA takes over at epoch 2 (0.025); SWALR with 2 cosine epochs: after epoch
        // 2, alpha 0.5: 0.5 * 0.05 + 0.5 * 0.025 = 0.0375; after epoch 3, alpha 1: 0.05.
        float[] expected = {0.1f, 0.05f, 0.025f, 0.0375f, 0.05f};
        assertEquals(expected.length, seen.rates.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], seen.rates.get(i), 1e-7f, "epoch " + i);
        }
    }

    @Test
    void swalrFollowsTorchForLinearAnnealingAndAFractionalStart() {
        StochasticWeightAveraging swa = new StochasticWeightAveraging(0.2, 0.5, 4,
                StochasticWeightAveraging.annealing("linear"));
        // Linear, 4 epochs from lr 1.0: alpha = k / 4, lr = 0.2 alpha + 1.0 (1 - alpha), each step reconstructing
        // the starting rate from the current one.
        float lr = 1f;
        float[] expected = {0.8f, 0.6f, 0.4f, 0.2f, 0.2f};
        for (int k = 1; k <= 5; k++) {
            lr = swa.swaLrStep(lr, k);
            assertEquals(expected[k - 1], lr, 1e-6f, "step " + k);
        }
        AtEpochStart seen = new AtEpochStart();
        try (var m = new GradientAccumulationSchedulerTest.Regression(); var t = trainer(4).callbacks(seen,
                new StochasticWeightAveraging(0.05, 0.5, 1, StochasticWeightAveraging.Annealing.LINEAR)).build()) {
            t.fit(m, GradientAccumulationSchedulerTest.data());
        }
        // int(0.5 * 4) = 2 -> swa_start 1: the rate is 0.1 until the end of epoch 1, then 0.05 (1 annealing epoch).
        assertEquals(List.of(0.1f, 0.1f, 0.05f, 0.05f), seen.rates);
    }

    @Test
    void lightningsValidation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StochasticWeightAveraging(0.1, 0, 10, StochasticWeightAveraging.Annealing.COS));
        assertTrue(e.getMessage().startsWith("swa_epoch_start should be a >0 integer or a float between 0 and 1."));
        e = assertThrows(IllegalArgumentException.class,
                () -> new StochasticWeightAveraging(0.1, 1.5, 10, StochasticWeightAveraging.Annealing.COS));
        assertTrue(e.getMessage().startsWith("swa_epoch_start should be"));
        e = assertThrows(IllegalArgumentException.class, () -> new StochasticWeightAveraging(0.0));
        assertTrue(e.getMessage().startsWith("The `swa_lrs` should a positive float"));
        e = assertThrows(IllegalArgumentException.class, () -> StochasticWeightAveraging.annealing("step"));
        assertEquals("anneal_strategy must by one of 'cos' or 'linear', instead got step", e.getMessage());
        try (var m = new GradientAccumulationSchedulerTest.Regression(); var t = Trainer.builder()
                .defaultRootDir(root).enableProgressBar(false).enableModelSummary(false).logger(false)
                .enableCheckpointing(false).maxSteps(3).callbacks(new StochasticWeightAveraging(0.1)).build()) {
            RuntimeException r = assertThrows(RuntimeException.class,
                    () -> t.fit(m, GradientAccumulationSchedulerTest.data()));
            StringBuilder b = new StringBuilder();
            for (Throwable c = r; c != null; c = c.getCause()) {
                b.append(c.getMessage());
            }
            assertTrue(b.toString().contains("not supported when `max_epochs=-1`"), b.toString());
        }
    }

    @Test
    void availableByName() {
        try (Trainer t = trainer(1).callbacks("stochastic_weight_averaging")
                .option("stochastic_weight_averaging.swa_lrs", "0.01")
                .option("stochastic_weight_averaging.swa_epoch_start", "2").build()) {
            assertInstanceOf(StochasticWeightAveraging.class, t.callbacks().get(0));
            assertTrue(t.callbacks().get(0).toString().contains("swa_epoch_start=2,"));
        }
    }
}
