package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.nn.Losses;
import io.fulmen.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code "16-mixed"} on real training: float16 inside blocks, float32 parameters, gradients and loss; the loss
 * scaler's skip, backoff and growth; clipping, accumulation and manual optimization on unscaled gradients.
 */
class MixedPrecisionFitTest {
    @TempDir
    Path root;

    /** The classifier with a batch norm and a probe that records the type its activations have inside the block. */
    static final class Probed extends Fixtures.Classifier {
        final List<DataType> inside = new ArrayList<>();
        NDArray poisonAt;
        int poisonBatch = -1;

        Probed() {
            super(16, () -> Sgd.builder().lr(0.1f).momentum(0.9f).build());
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = super.trainingStep(batch, batchIdx);
            return batchIdx == poisonBatch ? loss.mul(Float.POSITIVE_INFINITY) : loss;
        }
    }

    private static Probed probed() {
        Probed m = new Probed();
        ((SequentialBlock) m.net).add(new LambdaBlock(x -> {
            m.inside.add(x.head().getDataType());
            return x;
        }));
        return m;
    }

    /** Copies of the first weight at the end of every batch, and the optimizer's unscaled gradient norms. */
    static final class Recorder implements Callback {
        final List<float[]> weights = new ArrayList<>();
        final List<Double> gradientNorms = new ArrayList<>();
        final List<DataType> gradientTypes = new ArrayList<>();

        @Override
        public void onBeforeOptimizerStep(TrainerView t, LightningModule m, LightningOptimizer o) {
            double sum = 0;
            for (var p : m.block().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    try (NDArray g = p.getValue().getArray().getGradient()) {
                        gradientTypes.add(g.getDataType());
                        for (float v : g.toFloatArray()) {
                            sum += (double) v * v;
                        }
                    }
                }
            }
            gradientNorms.add(Math.sqrt(sum));
        }

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            Parameter first = m.block().getParameters().get(0).getValue();
            weights.add(first.getArray().toFloatArray());
        }
    }

    private TrainerBuilder trainer(String precision, long steps, Callback... callbacks) {
        return Fixtures.quietTrainer(root).precision(precision).maxSteps(steps).deterministic(true)
                .callbacks(callbacks);
    }

    @Test
    void blocksComputeInFloat16OnFloat32MasterWeightsAndLearn() {
        var train = Fixtures.loader(Fixtures.blobs(512, 8, 1), 32, true);
        var val = Fixtures.loader(Fixtures.blobs(256, 8, 2), 64, false);
        Recorder recorder = new Recorder();
        try (Probed m = probed(); Trainer t = trainer("16-mixed", 64, recorder).maxEpochs(4).build()) {
            assertEquals("16-mixed", t.precision().name());
            t.fit(m, train, val);
            // The first call is DJL's LambdaBlock inferring its output shape on float32 ones at initialisation.
            assertTrue(m.inside.subList(1, m.inside.size()).stream().allMatch(DataType.FLOAT16::equals),
                    "inside the block: " + m.inside);
            for (var p : m.block().getParameters()) {
                assertEquals(DataType.FLOAT32, p.getValue().getArray().getDataType(), p.getKey());
            }
            assertTrue(recorder.gradientTypes.stream().allMatch(DataType.FLOAT32::equals));
            assertTrue(t.view().callbackMetrics().get("val_acc") > 0.8, t.view().callbackMetrics().toString());
            assertEquals(65536.0, ((Number) t.precision().stateDict().get("scale")).doubleValue());
            assertEquals(64, ((Number) t.precision().stateDict().get("_growth_tracker")).intValue());
        }
    }

    @Test
    void gradientsReachHooksUnscaledAndMatchFloat32() {
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 32, false);
        Recorder full = new Recorder();
        Recorder mixed = new Recorder();
        try (Probed m = probed(); Trainer t = trainer("32-true", 2, full).build()) {
            t.fit(m, train);
        }
        try (Probed m = probed(); Trainer t = trainer("16-mixed", 2, mixed).build()) {
            t.fit(m, train);
        }
        for (int i = 0; i < 2; i++) {
            double expected = full.gradientNorms.get(i);
            assertEquals(expected, mixed.gradientNorms.get(i), expected * 1e-2, "step " + i);
        }
    }

    @Test
    void anOverflowSkipsThatStepHalvesTheScaleAndTrainingContinues() {
        var train = Fixtures.loader(Fixtures.blobs(256, 8, 1), 32, false);
        Recorder recorder = new Recorder();
        try (Probed m = probed(); Trainer t = trainer("16-mixed", 8, recorder).build()) {
            m.poisonBatch = 3;
            t.fit(m, train);
            assertEquals(8, t.view().globalStep(), "a skipped step still counts, as in Lightning");
            Map<String, Object> state = t.precision().stateDict();
            assertEquals(32768.0, ((Number) state.get("scale")).doubleValue());
            assertEquals(4, ((Number) state.get("_growth_tracker")).intValue(), "clean steps since the skip");
        }
        assertArrayEquals(recorder.weights.get(2), recorder.weights.get(3), "step 3 was skipped");
        assertFalse(java.util.Arrays.equals(recorder.weights.get(3), recorder.weights.get(4)), "step 4 updated");
        assertTrue(Float.isInfinite((float) (double) recorder.gradientNorms.get(3))
                || Double.isNaN(recorder.gradientNorms.get(3)));
        for (float w : recorder.weights.get(7)) {
            assertTrue(Float.isFinite(w));
        }
    }

    @Test
    void theScaleGrowsAfterGrowthIntervalCleanStepsAndBacksOffWhenTooLarge() {
        var train = Fixtures.loader(Fixtures.blobs(256, 8, 1), 32, false);
        // A small scale, so that float16 gradients cannot overflow however it grows in 7 steps.
        try (Probed m = probed(); Trainer t = trainer("16-mixed", 7).option("16-mixed.growth_interval", "3")
                .option("16-mixed.init_scale", "1").build()) {
            t.fit(m, train);
            assertEquals(4.0, ((Number) t.precision().stateDict().get("scale")).doubleValue());
            assertEquals(1, ((Number) t.precision().stateDict().get("_growth_tracker")).intValue());
        }
        // A scale far too large overflows float16 gradients: the first steps are skipped until it fits.
        Recorder recorder = new Recorder();
        try (Probed m = probed(); Trainer t = trainer("16-mixed", 40, recorder).option("16-mixed.init_scale",
                String.valueOf(Math.pow(2, 40))).build()) {
            t.fit(m, train);
            double scale = ((Number) t.precision().stateDict().get("scale")).doubleValue();
            assertTrue(scale < Math.pow(2, 40) && scale >= 1, "scale " + scale);
            assertArrayEquals(recorder.weights.get(0), recorder.weights.get(1), "early steps skipped");
            assertFalse(java.util.Arrays.equals(recorder.weights.get(0), recorder.weights.get(39)), "then trained");
        }
    }

    @Test
    void clippingAndAccumulationSeeUnscaledGradients() {
        var train = Fixtures.loader(Fixtures.blobs(256, 8, 1), 16, false);
        Recorder accumulated = new Recorder();
        try (Probed m = probed(); Trainer t = trainer("16-mixed", 4, accumulated).accumulateGradBatches(2)
                .gradientClipVal(0.05).gradientClipAlgorithm("norm").build()) {
            t.fit(m, train);
            assertEquals(4, t.view().globalStep());
            assertEquals(65536.0, ((Number) t.precision().stateDict().get("scale")).doubleValue());
        }
        assertEquals(4, accumulated.gradientNorms.size());
        assertTrue(accumulated.gradientNorms.stream().allMatch(n -> n > 0 && n < 10),
                "unscaled before clipping: " + accumulated.gradientNorms);
        // Clipped to norm 0.05 with lr 0.1 and momentum 0.9, the first update moves the weights by at most 0.005.
        double moved = 0;
        float[] before = accumulated.weights.get(0);
        float[] after = accumulated.weights.get(1);
        for (int k = 0; k < before.length; k++) {
            moved += Math.pow(after[k] - before[k], 2);
        }
        assertTrue(Math.sqrt(moved) <= 0.0051, "moved " + Math.sqrt(moved));
    }

    /** Manual optimization: manualBackward scales the loss, the step unscales and checks. */
    static final class Manual extends Fixtures.Classifier {
        final List<Double> losses = new ArrayList<>();

        Manual() {
            super(16, () -> Sgd.builder().lr(0.1f).build());
            setAutomaticOptimization(false);
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            LightningOptimizer opt = optimizers().get(0);
            NDArray loss = Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
            losses.add((double) loss.getFloat());
            opt.zeroGrad();
            manualBackward(loss);
            opt.step();
            return loss;
        }
    }

    @Test
    void manualOptimizationTrainsUnderMixedPrecision() {
        var train = Fixtures.loader(Fixtures.blobs(512, 8, 1), 32, true);
        Recorder recorder = new Recorder();
        try (Manual m = new Manual(); Trainer t = trainer("16-mixed", 48, recorder).maxEpochs(3).build()) {
            t.fit(m, train);
            double first = m.losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double last = m.losses.subList(40, 48).stream().mapToDouble(Double::doubleValue).average()
                    .orElseThrow();
            assertTrue(last < first * 0.7, "loss " + first + " -> " + last);
            assertTrue(recorder.gradientNorms.stream().allMatch(n -> n < 100), "unscaled: " + recorder.gradientNorms);
            assertEquals(65536.0, ((Number) t.precision().stateDict().get("scale")).doubleValue());
        }
    }

    @Test
    void batchNormKeepsFloat32StatisticsUpdatedInPlace() {
        var train = Fixtures.loader(Fixtures.blobs(256, 8, 1), 32, true);
        SequentialBlock withNorm = new SequentialBlock().add(Linear.builder().setUnits(16).build())
                .add(BatchNorm.builder().build()).add(Activation::relu).add(Linear.builder().setUnits(4).build());
        try (var m = new NormModel(withNorm); Trainer t = trainer("16-mixed", 6).build()) {
            t.fit(m, train);
            var params = withNorm.getParameters();
            params.forEach(p -> assertEquals(DataType.FLOAT32, p.getValue().getArray().getDataType()));
            float[] mean = params.stream().filter(p -> p.getValue().getType() == Parameter.Type.RUNNING_MEAN)
                    .findFirst().orElseThrow().getValue().getArray().toFloatArray();
            double moved = 0;
            for (float v : mean) {
                moved += Math.abs(v);
            }
            assertTrue(moved > 0, "running mean updated in place");
        }
    }

    static final class NormModel extends Fixtures.Classifier {
        private final Block block;

        NormModel(Block block) {
            super(16, () -> Sgd.builder().lr(0.1f).build());
            this.block = block;
        }

        @Override
        public Block block() {
            return block;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDList out = forward(batch.getData());
            assertEquals(DataType.FLOAT32, out.head().getDataType(), "outputs come back as float32");
            return Losses.crossEntropy(out.head(), batch.getLabels().head());
        }
    }
}
