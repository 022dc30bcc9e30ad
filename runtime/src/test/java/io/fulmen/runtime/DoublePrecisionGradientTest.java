package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.data.TensorDataset;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.nn.Losses;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code "64-true"}: a linear model with MSE trains in float64, and the gradients the optimizer sees equal the
 * closed form {@code dL/dw = 2/N X^T (Xw + b - y)}, {@code dL/db = 2/N sum(Xw + b - y)} computed here in doubles.
 */
class DoublePrecisionGradientTest {
    private static final int FEATURES = 5;

    @TempDir
    Path root;

    static final class LinearRegression extends LightningModule {
        final Block net = Linear.builder().setUnits(1).build();
        final List<double[]> inputs = new ArrayList<>();
        final List<double[]> targets = new ArrayList<>();

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray x = batch.getData().head();
            NDArray y = batch.getLabels().head();
            inputs.add(x.toType(DataType.FLOAT64, true).toDoubleArray());
            targets.add(y.toType(DataType.FLOAT64, true).toDoubleArray());
            NDArray prediction = forward(x);
            assertEquals(DataType.FLOAT64, prediction.getDataType());
            return Losses.mse(prediction, y);
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(0.05f).momentum(0.9f).build());
        }
    }

    /** The weights and gradients at every step, before the update. */
    static final class Capture implements Callback {
        final List<double[]> weights = new ArrayList<>();
        final List<double[]> biases = new ArrayList<>();
        final List<double[]> weightGrads = new ArrayList<>();
        final List<double[]> biasGrads = new ArrayList<>();

        @Override
        public void onBeforeOptimizerStep(TrainerView t, LightningModule m, LightningOptimizer o) {
            for (var named : m.block().getParameters()) {
                Parameter p = named.getValue();
                NDArray array = p.getArray();
                assertEquals(DataType.FLOAT64, array.getDataType(), named.getKey());
                try (NDArray g = array.getGradient()) {
                    assertEquals(DataType.FLOAT64, g.getDataType());
                    boolean weight = p.getType() == Parameter.Type.WEIGHT;
                    (weight ? weights : biases).add(array.toDoubleArray());
                    (weight ? weightGrads : biasGrads).add(g.toDoubleArray());
                }
            }
        }
    }

    private static TensorDataset data(int n) {
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        double[] trueWeights = {0.5, -1.25, 2.0, 0.0, 0.75};
        for (int i = 0; i < n; i++) {
            double target = 0.3;
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = (float) rng.nextGaussian();
                target += trueWeights[f] * x[i * FEATURES + f];
            }
            y[i] = (float) (target + 0.1 * rng.nextGaussian());
        }
        return TensorDataset.builder().data(x, new Shape(FEATURES)).labels(y, new Shape(1)).build();
    }

    @Test
    void gradientsEqualTheFloat64ClosedForm() {
        Capture capture = new Capture();
        try (var m = new LinearRegression(); var t = Fixtures.quietTrainer(root).precision("64").maxSteps(12)
                .gradientClipVal(1e6).callbacks(capture).build()) {
            assertEquals("64-true", t.precision().name());
            t.fit(m, Fixtures.loader(data(96), 16, true));
            assertEquals(12, capture.weightGrads.size());
            for (int step = 0; step < 12; step++) {
                double[] x = m.inputs.get(step);
                double[] y = m.targets.get(step);
                double[] w = capture.weights.get(step);
                double b = capture.biases.get(step)[0];
                int n = y.length;
                double[] expectedW = new double[FEATURES];
                double expectedB = 0;
                for (int i = 0; i < n; i++) {
                    double residual = b - y[i];
                    for (int f = 0; f < FEATURES; f++) {
                        residual += x[i * FEATURES + f] * w[f];
                    }
                    for (int f = 0; f < FEATURES; f++) {
                        expectedW[f] += 2.0 / n * x[i * FEATURES + f] * residual;
                    }
                    expectedB += 2.0 / n * residual;
                }
                double[] actualW = capture.weightGrads.get(step);
                for (int f = 0; f < FEATURES; f++) {
                    assertEquals(expectedW[f], actualW[f], 1e-12 * (1 + Math.abs(expectedW[f])), "step " + step);
                }
                assertEquals(expectedB, capture.biasGrads.get(step)[0], 1e-12 * (1 + Math.abs(expectedB)));
            }
            double firstGrad = Math.abs(capture.biasGrads.get(0)[0]);
            assertTrue(Math.abs(capture.biasGrads.get(11)[0]) < firstGrad || firstGrad < 1e-3, "it learns");
        }
    }

    @Test
    void float64CheckpointsResumeBitForBit() {
        var train = Fixtures.loader(data(96), 16, true);
        double[] straight;
        try (var m = new LinearRegression(); var t = Fixtures.quietTrainer(root).precision("64-true").maxSteps(12)
                .build()) {
            t.fit(m, train);
            straight = m.net.getParameters().get(0).getValue().getArray().toDoubleArray();
        }
        Path ckpt = root.resolve("f64.ckpt");
        try (var m = new LinearRegression(); var t = Fixtures.quietTrainer(root).precision("64-true").maxSteps(7)
                .callbacks(new ExactResumeTest.SaveAt(7, ckpt)).build()) {
            t.fit(m, train);
        }
        try (var m = new LinearRegression(); var t = Fixtures.quietTrainer(root).precision("64-true").maxSteps(12)
                .build()) {
            t.fit(m, io.fulmen.data.DataSource.loaders(train, null), CkptPath.of(ckpt));
            assertEquals(DataType.FLOAT64, m.net.getParameters().get(0).getValue().getArray().getDataType());
            assertArrayEquals(straight, m.net.getParameters().get(0).getValue().getArray().toDoubleArray());
        }
    }

    @Test
    void float16TrueKeepsEverythingInFloat16() {
        try (var m = new Fixtures.Classifier(16, () -> Sgd.builder().lr(0.1f).build());
             var t = Fixtures.quietTrainer(root).precision("16-true").maxSteps(8).build()) {
            t.fit(m, Fixtures.loader(Fixtures.blobs(128, 8, 1), 16, true));
            for (var p : m.block().getParameters()) {
                NDArray a = p.getValue().getArray();
                assertEquals(DataType.FLOAT16, a.getDataType(), p.getKey());
                for (double v : a.toType(DataType.FLOAT64, true).toDoubleArray()) {
                    assertTrue(Double.isFinite(v));
                }
            }
            assertTrue(Double.isFinite(t.view().callbackMetrics().get("train_loss")));
            assertTrue(t.precision().stateDict().isEmpty(), "no loss scaler");
        }
    }
}
