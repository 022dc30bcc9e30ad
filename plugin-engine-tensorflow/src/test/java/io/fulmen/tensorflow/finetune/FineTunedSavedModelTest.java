package io.fulmen.tensorflow.finetune;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.fulmen.data.DataLoader;
import io.fulmen.data.DataSource;
import io.fulmen.data.TensorDataset;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.CkptPath;
import io.fulmen.runtime.Predictions;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.tensorflow.TensorFlowEngineProvider;
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
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A linear regression exported by TensorFlow Java with variables at zero, fine-tuned under {@code Trainer.fit}
 * (TensorFlow's graph gradients, Fulmen's Adam) until it recovers the weights that generated its data.
 */
class FineTunedSavedModelTest {
    private static final float[] TRUE_W = {2f, -1f, 0.5f};
    private static final float TRUE_B = 0.3f;
    private static final int N = 64;

    @TempDir
    static Path root;

    @BeforeAll
    static void export() throws Exception {
        TensorFlowEngineProvider.load();
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            Ops dense = tf.withSubScope("dense");
            var w = dense.withName("kernel").variable(tf.constant(new float[][] {{0}, {0}, {0}}));
            var b = dense.withName("bias").variable(tf.constant(new float[] {0}));
            var y = tf.math.add(tf.linalg.matMul(x, w), b);
            Signature signature = Signature.builder().key("serving_default").input("features", x)
                    .output("prediction", y).build();
            // a second signature whose graph computes its own loss from labels it takes
            Placeholder<TFloat32> labels = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
            var loss = tf.math.mean(tf.math.square(tf.math.sub(y, labels)), tf.constant(new int[] {0, 1}));
            Signature train = Signature.builder().key("train").input("features", x).input("labels", labels)
                    .output("loss", loss).build();
            SavedModelBundle.exporter(root.resolve("linear").toString())
                    .withFunction(SessionFunction.create(signature, s))
                    .withFunction(SessionFunction.create(train, s)).export();
        }
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            var w = tf.withName("w").variable(tf.constant(new float[][] {{0, 0}, {0, 0}, {0, 0}}));
            tf.withName("unused").variable(tf.constant(new float[] {1}));
            var logits = tf.linalg.matMul(x, w);
            Signature signature = Signature.builder().key("serving_default").input("features", x)
                    .output("logits", logits).build();
            // TensorFlow's C++ gradient registry has no gradient for this op (Python's has)
            Placeholder<TInt64> labels = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
            Signature train = Signature.builder().key("train").input("features", x).input("labels", labels)
                    .output("loss", tf.math.mean(tf.nn.sparseSoftmaxCrossEntropyWithLogits(logits, labels).loss(),
                            tf.constant(0))).build();
            SavedModelBundle.exporter(root.resolve("classifier").toString())
                    .withFunction(SessionFunction.create(signature, s))
                    .withFunction(SessionFunction.create(train, s)).export();
        }
        try (Graph g = new Graph(); Session s = new Session(g)) {
            // a resource variable, as TF2 and Keras make them (TensorFlow Java's exporter saves no value for it)
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            var kernel = tf.withName("kernel").varHandleOp(TFloat32.class, Shape.of(3, 1),
                    VarHandleOp.sharedName("kernel"));
            Signature signature = Signature.builder().key("serving_default").input("features", x)
                    .output("prediction", tf.linalg.matMul(x, tf.readVariableOp(kernel, TFloat32.class))).build();
            SavedModelBundle.exporter(root.resolve("resource").toString())
                    .withFunction(SessionFunction.create(signature, s)).export();
        }
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            var y = tf.linalg.matMul(x, tf.constant(new float[][] {{1}, {1}, {1}}));
            Signature signature = Signature.builder().key("serving_default").input("features", x)
                    .output("prediction", y).build();
            SavedModelBundle.exporter(root.resolve("constants").toString())
                    .withFunction(SessionFunction.create(signature, s)).export();
        }
    }

    /** y = x·TRUE_W + TRUE_B on Gaussian x, in the order given (no shuffling: runs are comparable). */
    private static DataLoader data(long seed, int batchSize) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[N * 3];
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            float sum = TRUE_B;
            for (int f = 0; f < 3; f++) {
                x[i * 3 + f] = (float) rng.nextGaussian();
                sum += x[i * 3 + f] * TRUE_W[f];
            }
            y[i] = sum;
        }
        TensorDataset ds = TensorDataset.builder().data(x, new ai.djl.ndarray.types.Shape(3))
                .labels(y, new ai.djl.ndarray.types.Shape(1)).build();
        return DataLoader.of(ds).batchSize(batchSize).build();
    }

    private static FineTunedSavedModel linear() {
        return FineTunedSavedModel.builder(root.resolve("linear")).input("features", 0).output("prediction")
                .loss(GraphLoss.MEAN_SQUARED_ERROR, "prediction")
                .optimizer(() -> OptimizerConfig.of(Adam.builder().lr(0.1f).build())).build();
    }

    private static TrainerBuilder quiet(String dir) {
        return Trainer.builder().defaultRootDir(root.resolve(dir)).logger(false).enableProgressBar(false)
                .enableModelSummary(false).numSanityValSteps(0);
    }

    /** The module's parameters by name, as plain floats. */
    private static Map<String, float[]> weights(FineTunedSavedModel model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void fitRecoversTheTrueWeightsThroughTensorFlowsGradients() throws IOException {
        try (FineTunedSavedModel model = linear(); Trainer t = Trainer.builder().defaultRootDir(root.resolve("recover"))
                .logger("csv").logEveryNSteps(10).maxEpochs(40).build()) {
            assertEquals(List.of("dense/kernel", "dense/bias"), model.variableNames());
            double before = t.validate(model, data(2, 64)).get(0).get("val_loss");
            t.fit(model, data(1, 16), data(2, 64));
            double after = t.validate(model, data(2, 64)).get(0).get("val_loss");
            assertTrue(after < before * 1e-3, "val_loss " + before + " -> " + after);
            List<Double> logged = column(root.resolve("recover/fulmen_logs/version_0/metrics.csv"), "train_loss");
            assertEquals(16, logged.size(), logged.toString()); // 160 steps, every 10th
            assertTrue(logged.get(15) < logged.get(0) * 1e-3, logged.toString());
            Map<String, float[]> w = weights(model);
            assertArrayEquals(TRUE_W, w.get("dense.kernel"), 0.02f);
            assertArrayEquals(new float[] {TRUE_B}, w.get("dense.bias"), 0.02f);
            // predictions come from the graph run with the fine-tuned values
            List<Float> predicted = new ArrayList<>();
            try (Predictions<NDList> p = t.predict(model, data(3, 32), NDList.class)) {
                for (NDList batch : p) {
                    for (float v : batch.head().toFloatArray()) {
                        predicted.add(v);
                    }
                }
            }
            float[] x0 = new float[3];
            SplittableRandom rng = new SplittableRandom(3);
            for (int f = 0; f < 3; f++) {
                x0[f] = (float) rng.nextGaussian();
            }
            float expected = w.get("dense.bias")[0];
            for (int f = 0; f < 3; f++) {
                expected += x0[f] * w.get("dense.kernel")[f];
            }
            assertEquals(N, predicted.size());
            assertEquals(expected, predicted.get(0), 1e-5f);

            // the same module, its tuned variables moved to DJL's TensorFlow engine, evaluates alike there; fit there
            // is refused before any work, pointing at the default engine
            try (Trainer onTensorFlow = quiet("on-tf").engine("TensorFlow").build()) {
                assertEquals(after, onTensorFlow.validate(model, data(2, 64)).get(0).get("val_loss"), 1e-9);
                var refused = assertThrows(IllegalStateException.class, () -> onTensorFlow.fit(model, data(1, 16)));
                assertTrue(refused.getMessage().contains("engine(\"PyTorch\")"), refused.getMessage());
            }

            model.exportSavedModel(root.resolve("exported"));
            try (FineTunedSavedModel exported = FineTunedSavedModel.builder(root.resolve("exported"))
                    .input("features", 0).loss(GraphLoss.MEAN_SQUARED_ERROR, "prediction").build()) {
                assertEquals(after, t.validate(exported, data(2, 64)).get(0).get("val_loss"), 1e-9);
                assertArrayEquals(w.get("dense.kernel"), weights(exported).get("dense.kernel"));
            }
        }
    }

    /** The non-empty values of one column of a CSV logger's metrics file. */
    private static List<Double> column(Path csv, String name) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int index = List.of(lines.get(0).split(",", -1)).indexOf(name);
        assertTrue(index >= 0, lines.get(0));
        List<Double> values = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (index < cells.length && !cells[index].isEmpty()) {
                values.add(Double.parseDouble(cells[index]));
            }
        }
        return values;
    }

    @Test
    void aResumedFitEndsBitForBitWhereAnUninterruptedOneEnds() {
        Map<String, float[]> straight;
        try (FineTunedSavedModel model = linear(); Trainer t = quiet("straight").maxEpochs(6).build()) {
            t.fit(model, data(1, 16));
            straight = weights(model);
        }
        Path dir = root.resolve("ckpts");
        Map<String, float[]> halfway;
        try (FineTunedSavedModel model = linear(); Trainer t = quiet("first").maxEpochs(3)
                .callbacks(ModelCheckpoint.builder().dirpath(dir).saveLast(true).build()).build()) {
            t.fit(model, data(1, 16));
            halfway = weights(model);
        }
        assertTrue(Math.abs(halfway.get("dense.bias")[0] - straight.get("dense.bias")[0]) > 1e-3, "3 epochs of 6 "
                + "should leave the bias short of where 6 take it");
        try (FineTunedSavedModel model = linear(); Trainer t = quiet("resumed").maxEpochs(6).build()) {
            t.fit(model, DataSource.loaders(data(1, 16), null), CkptPath.of(dir.resolve("last.ckpt")));
            assertEquals(6, t.view().currentEpoch());
            assertEquals(6 * 4, t.view().globalStep());
            Map<String, float[]> resumed = weights(model);
            // the variables and Adam's moments both come back: without either the run would end elsewhere
            assertArrayEquals(straight.get("dense.kernel"), resumed.get("dense.kernel"), 0f);
            assertArrayEquals(straight.get("dense.bias"), resumed.get("dense.bias"), 0f);
        }
    }

    @Test
    void aGraphThatComputesItsOwnLossIsFineTunedThroughIt() {
        try (FineTunedSavedModel model = FineTunedSavedModel.builder(root.resolve("linear")).signature("train")
                .input("features", 0).lossOutput("loss", "labels")
                .optimizer(() -> OptimizerConfig.of(Adam.builder().lr(0.1f).build())).build();
             Trainer t = quiet("own-loss").maxEpochs(10).build()) {
            double before = t.validate(model, data(2, 64)).get(0).get("val_loss");
            t.fit(model, data(1, 16));
            double after = t.validate(model, data(2, 64)).get(0).get("val_loss");
            assertTrue(after < before / 4, "val_loss " + before + " -> " + after);
        }
    }

    @Test
    void aClassifierLearnsWithSoftmaxCrossEntropyAndOnlyVariablesThatReachTheLossAreTuned() {
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = new float[N * 3];
        long[] y = new long[N];
        for (int i = 0; i < N; i++) {
            for (int f = 0; f < 3; f++) {
                x[i * 3 + f] = (float) rng.nextGaussian();
            }
            y[i] = x[i * 3] + x[i * 3 + 1] > 0 ? 1 : 0;
        }
        DataLoader blobs = DataLoader.of(TensorDataset.builder().data(x, new ai.djl.ndarray.types.Shape(3))
                .labels(y).build()).batchSize(16).build();
        try (FineTunedSavedModel model = FineTunedSavedModel.builder(root.resolve("classifier"))
                .input("features", 0).loss(GraphLoss.SPARSE_SOFTMAX_CROSS_ENTROPY, "logits")
                .optimizer(() -> OptimizerConfig.of(Adam.builder().lr(0.1f).build())).build();
             Trainer t = quiet("classifier").maxEpochs(10).build()) {
            assertEquals(List.of("w"), model.variableNames());
            double before = t.validate(model, blobs).get(0).get("val_loss");
            assertEquals(Math.log(2), before, 1e-6); // zero weights: uniform over two classes
            t.fit(model, blobs);
            double after = t.validate(model, blobs).get(0).get("val_loss");
            assertTrue(after < 0.5 * before, "val_loss " + before + " -> " + after);
        }
    }

    @Test
    void wrongNamesAndGraphsWithoutVariablesFailNamingWhatTheSavedModelHas() {
        var constants = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("constants")).input("features", 0)
                .loss(GraphLoss.MEAN_SQUARED_ERROR, "prediction").build());
        assertTrue(constants.getMessage().contains("no float32 variable to fine-tune"), constants.getMessage());
        var resource = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("resource")).input("features", 0)
                .loss(GraphLoss.MEAN_SQUARED_ERROR, "prediction").build());
        assertTrue(resource.getMessage().contains("[kernel] are resource variables (VarHandleOp"),
                resource.getMessage());
        var output = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("linear")).input("features", 0).loss(GraphLoss.MEAN_SQUARED_ERROR, "logits")
                .build());
        assertTrue(output.getMessage().contains("no output 'logits'; its outputs are [prediction]"),
                output.getMessage());
        var label = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("linear")).signature("train").input("features", 0).lossOutput("loss", "y")
                .build());
        assertTrue(label.getMessage().contains("no input 'y'"), label.getMessage());
        assertTrue(label.getMessage().contains("labels"), label.getMessage());
        var signature = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("linear")).signature("fit").input("features", 0)
                .loss(GraphLoss.MEAN_SQUARED_ERROR, "prediction").build());
        assertTrue(signature.getMessage().contains("no signature 'fit'"), signature.getMessage());
        var variable = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("linear")).input("features", 0).trainable("dense/weights")
                .loss(GraphLoss.MEAN_SQUARED_ERROR, "prediction").build());
        assertTrue(variable.getMessage().contains("[dense/kernel, dense/bias]"), variable.getMessage());
        var unreachable = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("classifier")).input("features", 0).trainable("w", "unused")
                .loss(GraphLoss.SPARSE_SOFTMAX_CROSS_ENTROPY, "logits").build());
        assertTrue(unreachable.getMessage().contains("'unused' does not reach the loss"), unreachable.getMessage());
        var noGradient = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("classifier")).signature("train").input("features", 0)
                .lossOutput("loss", "labels").build());
        assertTrue(noGradient.getMessage().contains("No gradient defined for op: SparseSoftmaxCrossEntropyWithLogits"),
                noGradient.getMessage());
        var tags = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("linear")).tags("train").input("features", 0)
                .loss(GraphLoss.MEAN_SQUARED_ERROR, "prediction").build());
        assertTrue(tags.getMessage().contains("with tags [train]"), tags.getMessage());
        var noLoss = assertThrows(IllegalArgumentException.class, () -> FineTunedSavedModel
                .builder(root.resolve("linear")).input("features", 0).build());
        assertTrue(noLoss.getMessage().contains("say what to minimise"), noLoss.getMessage());
    }
}
