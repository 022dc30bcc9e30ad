package io.fulmen.runtime;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.fulmen.HyperParameter;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.optim.Adam;
import io.fulmen.runtime.checkpoint.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Modules rebuilt from checkpoints, evaluation with a checkpoint's weights, and DJL's own format. */
class CheckpointsTest {
    @TempDir
    Path root;

    /** A classifier whose constructor names its hyperparameters. */
    public static final class HpClassifier extends Fixtures.Classifier {
        public HpClassifier(@HyperParameter("hidden") int hidden, @HyperParameter("lr") float lr) {
            super(hidden, () -> Adam.builder().lr(lr).build());
            saveHyperparameters("hidden", hidden, "lr", lr);
        }
    }

    private Path trainAndSave(Map<String, Double> testResult) {
        Path file = root.resolve("end.ckpt");
        Callback saveAtEnd = new Callback() {
            @Override
            public void onTrainEnd(TrainerView t, LightningModule m) {
                t.saveCheckpoint(file, false);
            }
        };
        var val = Fixtures.loader(Fixtures.blobs(256, 8, 2), 64, false);
        try (var m = new HpClassifier(12, 1e-2f); var t = Fixtures.quietTrainer(root).maxEpochs(2)
                .callbacks(saveAtEnd).build()) {
            t.fit(m, Fixtures.loader(Fixtures.blobs(512, 8, 1), 32, true), val);
            testResult.putAll(t.test(m, val).get(0));
        }
        return file;
    }

    @Test
    void loadFromCheckpointRebuildsTheModuleWithItsWeights() {
        Map<String, Double> expected = new java.util.HashMap<>();
        Path file = trainAndSave(expected);
        var val = Fixtures.loader(Fixtures.blobs(256, 8, 2), 64, false);
        try (HpClassifier loaded = LightningModule.loadFromCheckpoint(HpClassifier.class, file);
             var t = Fixtures.quietTrainer(root).build()) {
            assertEquals(12, ((Number) loaded.hparams().get("hidden")).intValue());
            Map<String, Double> again = t.test(loaded, val).get(0);
            assertEquals(expected.get("test_acc"), again.get("test_acc"));
            assertEquals(expected.get("test_loss"), again.get("test_loss"), 1e-7);
        }
    }

    @Test
    void testWithCkptPathUsesTheCheckpointsWeights() {
        Map<String, Double> expected = new java.util.HashMap<>();
        Path file = trainAndSave(expected);
        var val = Fixtures.loader(Fixtures.blobs(256, 8, 2), 64, false);
        try (var fresh = new HpClassifier(12, 1e-2f); var t = Fixtures.quietTrainer(root).build()) {
            Map<String, Double> r = t.test(fresh, val, CkptPath.of(file)).get(0);
            assertEquals(expected.get("test_acc"), r.get("test_acc"));
        }
    }

    @Test
    void overridesThatChangeShapesFailNamingTheParameter() {
        Path file = trainAndSave(new java.util.HashMap<>());
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 2), 64, false);
        try (HpClassifier wrong = Checkpoints.loadFromCheckpoint(HpClassifier.class, file, Map.of("hidden", 7));
             var t = Fixtures.quietTrainer(root).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.test(wrong, val));
            assertTrue(e.getMessage().contains("shape") && e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void weightsExportLoadsWithDjlsOwnModel() throws Exception {
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 2), 64, false);
        try (var m = new HpClassifier(10, 1e-2f); var t = Fixtures.quietTrainer(root).maxEpochs(1).build()) {
            t.fit(m, Fixtures.loader(Fixtures.blobs(128, 8, 1), 32, true), val);
            Path params = Checkpoints.exportForDjl(m, root.resolve("djl"), "classifier");
            assertTrue(Files.isRegularFile(params), params.toString());
            Block fresh = new SequentialBlock()
                    .add(Linear.builder().setUnits(10).build())
                    .add(Activation::relu)
                    .add(Linear.builder().setUnits(4).build());
            try (Model model = Model.newInstance("classifier")) {
                model.setBlock(fresh);
                model.load(root.resolve("djl"), "classifier");
                List<Parameter> a = m.block().getParameters().values();
                List<Parameter> b = fresh.getParameters().values();
                assertEquals(a.size(), b.size());
                for (int i = 0; i < a.size(); i++) {
                    NDArray x = a.get(i).getArray();
                    NDArray y = b.get(i).getArray();
                    assertEquals(x.getShape(), y.getShape());
                    assertArrayEquals(x.toFloatArray(), y.toFloatArray());
                }
                assertEquals(new Shape(10, 8), fresh.getParameters().get(0).getValue().getArray().getShape());
            }
        }
    }


    @Test
    void overridesConvertBetweenNumberKindsAndNameTheParameterWhenTheyCannot() {
        Path file = trainAndSave(new java.util.HashMap<>());
        try (HpClassifier m = Checkpoints.loadFromCheckpoint(HpClassifier.class, file, Map.of("lr", 1e-3))) {
            assertEquals(1e-3f, ((Number) m.hparams().get("lr")).floatValue(), "a double override for a float");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadFromCheckpoint(HpClassifier.class, file, Map.of("hidden", 2.5)));
        assertEquals("hyperparameter override 'hidden' = 2.5 (Double) does not fit the constructor parameter's type "
                + "int", e.getMessage());
    }
}
