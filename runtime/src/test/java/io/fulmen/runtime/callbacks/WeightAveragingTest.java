package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lightning's WeightAveraging / EMAWeightAveraging in real fits: the averages follow torch's AveragedModel rules
 * (the first update copies; EMA: decay * ema + (1 - decay) * w; default: ema + (w - ema) / (n + 1)), computed here
 * in Java from the weights after every step.
 */
class WeightAveragingTest {
    @TempDir
    Path root;

    /** The weights of the linear layer after every optimizer step; the weights validation sees. */
    static final class Weights implements Callback {
        final List<float[]> afterStep = new ArrayList<>();
        final List<float[]> inValidation = new ArrayList<>();

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            afterStep.add(weights(m));
        }

        @Override
        public void onValidationEpochStart(TrainerView t, LightningModule m) {
            if (t.globalStep() > 0) {
                inValidation.add(weights(m));
            }
        }
    }

    static float[] weights(LightningModule m) {
        return m.block().getParameters().get(0).getValue().getArray().toFloatArray();
    }

    private TrainerBuilder trainer() {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .logger(false).enableCheckpointing(false).seed(5).maxEpochs(2).numSanityValSteps(0);
    }

    private static DataLoader data() {
        return GradientAccumulationSchedulerTest.data();
    }

    private static float[] ema(List<float[]> steps, float decay) {
        float[] e = steps.get(0).clone();
        float keep = (float) (1.0 - decay);
        for (float[] w : steps.subList(1, steps.size())) {
            for (int i = 0; i < e.length; i++) {
                e[i] = e[i] * decay + w[i] * keep;
            }
        }
        return e;
    }

    @Test
    void emaFollowsTorchsRuleIsUsedForValidationAndEndsInTheModule() {
        Weights before = new Weights();
        Weights after = new Weights();
        float[] last;
        try (var m = new GradientAccumulationSchedulerTest.Regression();
             var t = trainer().callbacks(before, new EMAWeightAveraging(0.5, 1, null, null), after).build()) {
            t.fit(m, data(), data());
            last = weights(m);
        }
        assertEquals(8, before.afterStep.size(), "4 steps per epoch, 2 epochs");
        // Validation after epoch 0 saw the average of steps 1-4; the fit ends with the average of all 8 steps.
        assertArrayEquals(ema(before.afterStep.subList(0, 4), 0.5f), after.inValidation.get(0), 1e-7f);
        assertArrayEquals(ema(before.afterStep, 0.5f), last, 1e-7f);
        assertFalse(java.util.Arrays.equals(before.afterStep.get(7), last), "the averaged weights differ");
    }

    @Test
    void theDefaultAverageWeighsEveryUpdateEqually() {
        Weights before = new Weights();
        float[] last;
        try (var m = new GradientAccumulationSchedulerTest.Regression();
             var t = trainer().callbacks(before, new WeightAveraging()).build()) {
            t.fit(m, data());
            last = weights(m);
        }
        float[] mean = new float[last.length];
        for (float[] w : before.afterStep) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += w[i] / before.afterStep.size();
            }
        }
        assertArrayEquals(mean, last, 1e-6f);
    }

    @Test
    void lightningsUpdateSchedule() {
        EMAWeightAveraging ema = new EMAWeightAveraging(0.9, 2, 3L, 1);
        assertFalse(ema.shouldUpdate(2L, null), "before update_starting_at_step");
        assertFalse(ema.shouldUpdate(3L, null), "off update_every_n_steps");
        assertTrue(ema.shouldUpdate(4L, null));
        assertFalse(ema.shouldUpdate(null, 0));
        assertTrue(ema.shouldUpdate(null, 1));
        WeightAveraging plain = new WeightAveraging();
        assertTrue(plain.shouldUpdate(0L, null));
        assertFalse(plain.shouldUpdate(null, 3));
    }

    @Test
    void availableByName() {
        try (Trainer t = trainer().callbacks("ema").option("ema.decay", "0.99").build()) {
            assertEquals(0.99, assertInstanceOf(EMAWeightAveraging.class, t.callbacks().get(0)).decay());
        }
    }
}
