package io.fulmen.runtime.strategy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.spi.Autograd;
import io.fulmen.spi.OptimizerStep;
import io.fulmen.spi.Precision;
import io.fulmen.spi.SingleDeviceStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A strategy and a precision written as a plugin author would, against the api only, change how backward and the
 * optimizer step run, with no change to the runtime: the loops call the strategy, which composes the precision.
 */
class PluggableExecutionTest {
    @TempDir
    Path root;

    /** Halves the loss before backward and records the order of what it is asked to do. */
    static final class HalvingStrategy extends SingleDeviceStrategy {
        final List<String> calls = new ArrayList<>();

        @Override
        public String name() {
            return "halving";
        }

        @Override
        public void backward(NDArray loss, Autograd autograd, List<Parameter> parameters) {
            calls.add("backward");
            try (NDArray half = loss.mul(0.5f)) {
                super.backward(half, autograd, parameters);
            }
        }

        @Override
        public void optimizerStep(OptimizerStep step) {
            calls.add("step");
            super.optimizerStep(step);
        }
    }

    /** Static loss scaling by 1024: scaled before backward, unscaled before the step, as mixed precision does. */
    static final class StaticLossScale implements Precision {
        int unscaled;

        @Override
        public String name() {
            return "static-scale";
        }

        @Override
        public NDArray preBackward(NDArray loss) {
            return loss.mul(1024f);
        }

        @Override
        public boolean beforeOptimizerStep(List<Parameter> parameters) {
            for (Parameter p : parameters) {
                p.getArray().getGradient().divi(1024f);
            }
            unscaled++;
            return true;
        }
    }

    static final class Mlp extends LightningModule {
        private final Block net = new SequentialBlock().add(Linear.builder().setUnits(8).build())
                .add(Activation::relu).add(Linear.builder().setUnits(4).build());
        private final float lr;

        Mlp(float lr) {
            this.lr = lr;
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            return Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(lr).build());
        }
    }

    private static DataLoader data() {
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = new float[128 * 6];
        long[] y = new long[128];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(4);
        }
        return DataLoader.of(TensorDataset.builder().data(x, new Shape(6)).labels(y).build()).batchSize(16).build();
    }

    private TrainerBuilder trainer() {
        return Trainer.builder().defaultRootDir(root).maxEpochs(2).seed(11).logger(false)
                .enableCheckpointing(false).enableProgressBar(false).enableModelSummary(false);
    }

    private static Map<String, float[]> weights(LightningModule m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : m.block().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static void assertSameWeights(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), 1e-6f, k));
    }

    @Test
    void aStrategyThatHalvesTheLossTrainsAsHalfTheLearningRateAndOwnsEveryBackwardAndStep() {
        Map<String, float[]> plain;
        try (Mlp m = new Mlp(0.05f); Trainer t = trainer().build()) {
            t.fit(m, data());
            plain = weights(m);
        }
        HalvingStrategy strategy = new HalvingStrategy();
        try (Mlp m = new Mlp(0.1f); Trainer t = trainer().strategy(strategy).accumulateGradBatches(2).build()) {
            assertSame(strategy, t.strategy());
            t.fit(m, data());
            assertEquals(8, t.view().globalStep(), "16 batches, a step every 2");
        }
        assertEquals(16, strategy.calls.stream().filter("backward"::equals).count(), "one backward per batch");
        assertEquals(8, strategy.calls.stream().filter("step"::equals).count(), "one step per accumulation window");
        assertEquals(List.of("backward", "step", "backward"), strategy.calls.subList(0, 3),
                "batch 0 accumulates (backward alone); batch 1's step runs the closure, and so its backward");

        try (Mlp m = new Mlp(0.1f); Trainer t = trainer().strategy(new HalvingStrategy()).build()) {
            t.fit(m, data());
            assertSameWeights(plain, weights(m));
        }
    }

    @Test
    void aPrecisionPluginScalesTheLossAndUnscalesTheGradientsThroughTheStrategy() {
        Map<String, float[]> plain;
        try (Mlp m = new Mlp(0.05f); Trainer t = trainer().build()) {
            t.fit(m, data());
            plain = weights(m);
        }
        StaticLossScale precision = new StaticLossScale();
        try (Mlp m = new Mlp(0.05f); Trainer t = trainer().precision(precision).build()) {
            assertSame(precision, t.precision());
            t.fit(m, data());
            assertEquals(16, precision.unscaled, "the strategy asked the precision before every step");
            assertSameWeights(plain, weights(m));
        }
        assertTrue(precision.unscaled > 0);
    }
}
