package io.fulmen.tensorflow;

import ai.djl.ndarray.NDArray;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.CkptPath;
import io.fulmen.runtime.Predictions;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validate, test and predict on DJL's TensorFlow engine, with a module trained on PyTorch in the same JVM. */
class TensorFlowEngineTest {
    @TempDir
    Path root;

    private TrainerBuilder quiet(String engine) {
        return Trainer.builder().engine(engine).defaultRootDir(root).enableProgressBar(false)
                .enableModelSummary(false).logger(false).enableCheckpointing(false).seed(7);
    }

    @Test
    void trainedOnPyTorchThenTestedOnTensorFlowGivesTheSameMetricsAndPredictions() throws Exception {
        Path ckpt = root.resolve("end.ckpt");
        Callback saveAtEnd = new Callback() {
            @Override
            public void onTrainEnd(TrainerView t, LightningModule m) {
                t.saveCheckpoint(ckpt, false);
            }
        };
        MlpClassifier module = new MlpClassifier();
        Map<String, Double> onPyTorch;
        float[] predictedOnPyTorch;
        try (Trainer pt = quiet("auto").maxEpochs(3).callbacks(saveAtEnd).build()) {
            pt.fit(module, MlpClassifier.blobs(512, 1, 32));
            onPyTorch = pt.test(module, MlpClassifier.blobs(256, 2, 64)).get(0);
            try (Predictions<NDArray> p = pt.predict(module, MlpClassifier.blobs(64, 3, 64), NDArray.class)) {
                predictedOnPyTorch = p.get(0).toFloatArray();
            }
        }
        assertTrue(onPyTorch.get("test_acc") > 0.6, "learned something: " + onPyTorch);

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Trainer tf = Trainer.builder().engine("TensorFlow").defaultRootDir(root.resolve("tf"))
                .logger("csv").enableProgressBar(true).enableModelSummary(false).enableCheckpointing(false)
                .output(new PrintStream(console, true, StandardCharsets.UTF_8), false).build()) {
            // the same module object: its parameters move from PyTorch to TensorFlow
            Map<String, Double> sameBlock = tf.test(module, MlpClassifier.blobs(256, 2, 64)).get(0);
            assertEquals(onPyTorch.get("test_acc"), sameBlock.get("test_acc"), 1e-4);
            assertEquals(onPyTorch.get("test_loss"), sameBlock.get("test_loss"), 1e-4);

            // a fresh module from the checkpoint, straight onto TensorFlow
            Map<String, Double> fromCheckpoint = tf.test(new MlpClassifier(), MlpClassifier.blobs(256, 2, 64),
                    CkptPath.of(ckpt)).get(0);
            assertEquals(onPyTorch.get("test_acc"), fromCheckpoint.get("test_acc"), 1e-4);

            Map<String, Double> validated = tf.validate(module, MlpClassifier.blobs(256, 2, 64)).get(0);
            assertEquals(onPyTorch.get("test_acc"), validated.get("val_acc"), 1e-4);
            try (Predictions<NDArray> p = tf.predict(module, MlpClassifier.blobs(64, 3, 64), NDArray.class)) {
                assertEquals("TensorFlow", p.get(0).getManager().getEngine().getEngineName());
                assertArrayEquals(predictedOnPyTorch, p.get(0).toFloatArray(), 1e-5f);
            }
        }
        try (Trainer tf = quiet("TensorFlow").build()) {
            // weights changed in place between calls (as a checkpoint restore does) are the ones the next call uses
            float[] before;
            try (Predictions<NDArray> p = tf.predict(module, MlpClassifier.blobs(64, 3, 64), NDArray.class)) {
                before = p.get(0).toFloatArray();
            }
            NDArray firstWeight = module.net.getParameters().valueAt(0).getArray();
            firstWeight.muli(2);
            try (Predictions<NDArray> p = tf.predict(module, MlpClassifier.blobs(64, 3, 64), NDArray.class)) {
                assertFalse(java.util.Arrays.equals(before, p.get(0).toFloatArray()), "the new weights were used");
            }
            firstWeight.divi(2);
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("test_acc"), "the results table is printed: " + printed);
        try (var csv = Files.walk(root.resolve("tf"))) {
            Path metrics = csv.filter(f -> f.getFileName().toString().equals("metrics.csv")).findFirst()
                    .orElseThrow();
            assertTrue(Files.readString(metrics).contains("test_acc"), Files.readString(metrics));
        }

        // and back: PyTorch still trains the same module after TensorFlow evaluated it
        float[] before = module.net.getParameters().valueAt(0).getArray().toFloatArray();
        try (Trainer pt = quiet("PyTorch").maxEpochs(1).build()) {
            pt.fit(module, MlpClassifier.blobs(128, 4, 32));
            float[] after = module.net.getParameters().valueAt(0).getArray().toFloatArray();
            assertFalse(java.util.Arrays.equals(before, after), "the weights were trained again");
            assertTrue(pt.test(module, MlpClassifier.blobs(256, 2, 64)).get(0).get("test_acc") > 0.6);
        }
    }

    @Test
    void fitOnTensorFlowFailsBeforeAnyHookSayingWhyAndWhatToDo() {
        List<String> hooks = new java.util.ArrayList<>();
        MlpClassifier module = new MlpClassifier() {
            @Override
            public void setup(io.fulmen.Stage stage) {
                hooks.add("setup");
            }
        };
        try (Trainer tf = quiet("tf").build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> tf.fit(module, MlpClassifier.blobs(64, 1, 32)));
            assertTrue(e.getMessage().contains("no gradients") && e.getMessage().contains("engine(\"PyTorch\")"),
                    e.getMessage());
        }
        assertTrue(hooks.isEmpty(), "no hook ran: " + hooks);
    }

    @Test
    void anUnknownEngineListsTheInstalledOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> quiet("TensorFlw").build().close());
        assertTrue(e.getMessage().contains("TensorFlow") && e.getMessage().contains("PyTorch"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
