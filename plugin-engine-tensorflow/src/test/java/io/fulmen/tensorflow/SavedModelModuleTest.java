package io.fulmen.tensorflow;

import ai.djl.ndarray.NDList;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.runtime.Predictions;
import io.fulmen.runtime.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dense classifier with known weights, exported with TensorFlow Java, tested and predicted through Fulmen. */
class SavedModelModuleTest {
    private static final float[][] W = {{1, 0, -1}, {0, 2, 0}, {-1, 1, 1}, {0.5f, -0.5f, 0}};
    private static final float[] B = {0.1f, -0.2f, 0.3f};
    private static final float[][] X = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {1, 1, 1, 1}, {-1, 2, 0, 3}};
    private static final long[] Y = {0, 1, 2, 2, 0};

    @TempDir
    static Path root;

    @BeforeAll
    static void export() throws Exception {
        TensorFlowEngineProvider.load(); // TensorFlow Java needs the natives too
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4)));
            var logits = tf.math.add(tf.linalg.matMul(x, tf.constant(W)), tf.constant(B));
            Signature signature = Signature.builder().key("classify").input("features", x)
                    .output("logits", logits).output("probabilities", tf.nn.softmax(logits)).build();
            SavedModelBundle.exporter(root.resolve("model").toString())
                    .withFunction(SessionFunction.create(signature, s)).export();
        }
    }

    private static float[] logits(float[] x) {
        float[] out = new float[3];
        for (int j = 0; j < 3; j++) {
            float sum = B[j];
            for (int i = 0; i < 4; i++) {
                sum += x[i] * W[i][j];
            }
            out[j] = sum;
        }
        return out;
    }

    private static DataLoader data() {
        float[] flat = new float[X.length * 4];
        for (int r = 0; r < X.length; r++) {
            System.arraycopy(X[r], 0, flat, r * 4, 4);
        }
        TensorDataset ds = TensorDataset.builder().data(flat, new ai.djl.ndarray.types.Shape(4)).labels(Y).build();
        return DataLoader.of(ds).batchSize(2).build();
    }

    @Test
    void predictionsAndTestMetricsMatchAHandComputation() {
        int correct = 0;
        double loss = 0;
        float[] expected = new float[X.length * 3];
        for (int r = 0; r < X.length; r++) {
            float[] z = logits(X[r]);
            System.arraycopy(z, 0, expected, r * 3, 3);
            int best = z[0] >= z[1] && z[0] >= z[2] ? 0 : z[1] >= z[2] ? 1 : 2;
            correct += best == Y[r] ? 1 : 0;
            double max = Math.max(z[0], Math.max(z[1], z[2]));
            double norm = Math.log(Math.exp(z[0] - max) + Math.exp(z[1] - max) + Math.exp(z[2] - max)) + max;
            loss += norm - z[(int) Y[r]];
        }
        try (SavedModelModule model = SavedModelModule.builder(root.resolve("model")).signature("classify")
                .input("features", 0).output("probabilities").classifier("logits").build();
             Trainer tf = Trainer.builder().engine("TensorFlow").defaultRootDir(root.resolve("logs"))
                     .logger("csv").enableProgressBar(false).enableModelSummary(false).build()) {
            try (Predictions<NDList> p = tf.predict(model, data(), NDList.class)) {
                float[] got = new float[X.length * 3];
                int at = 0;
                for (NDList batch : p) {
                    float[] logits = batch.get(1).toFloatArray();
                    System.arraycopy(logits, 0, got, at, logits.length);
                    at += logits.length;
                    float[] probabilities = batch.get(0).toFloatArray();
                    assertEquals(1.0, probabilities[0] + probabilities[1] + probabilities[2], 1e-5);
                }
                assertArrayEquals(expected, got, 1e-5f);
            }
            Map<String, Double> metrics = tf.test(model, data()).get(0);
            // per-batch means of batches of 2, 2, 1, averaged by batch size as Lightning does
            assertEquals((double) correct / X.length, metrics.get("test_acc"), 1e-6);
            assertEquals(loss / X.length, metrics.get("test_loss"), 1e-5);
        }
    }

    @Test
    void aWrongInputNameOrEngineFailsNamingWhatTheSignatureHas() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModelModule
                .builder(root.resolve("model")).signature("classify").input("x", 0).output("logits").build());
        assertTrue(e.getMessage().contains("[features]"), e.getMessage());
        try (SavedModelModule model = SavedModelModule.builder(root.resolve("model")).signature("classify")
                .input("features", 0).classifier("logits").build();
             Trainer pt = Trainer.builder().defaultRootDir(root.resolve("pt")).logger(false)
                     .enableProgressBar(false).enableModelSummary(false).build()) {
            Exception wrongEngine = assertThrows(IllegalStateException.class, () -> pt.test(model, data()));
            assertTrue(wrongEngine.getMessage().contains("engine(\"TensorFlow\")"), wrongEngine.getMessage());
        }
    }
}
