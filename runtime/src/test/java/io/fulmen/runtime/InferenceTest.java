package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A module runs on its own, outside any Trainer: Lightning's {@code model.eval(); model(x)}. */
class InferenceTest {
    @TempDir
    Path root;

    private static float[] inputs() {
        float[] x = new float[3 * 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        return x;
    }

    @Test
    void afterFitAndAfterLoadFromCheckpointTheModuleInfersAsThePredictLoopDoes() {
        Path file = root.resolve("end.ckpt");
        Callback saveAtEnd = new Callback() {
            @Override
            public void onTrainEnd(TrainerView t, LightningModule m) {
                t.saveCheckpoint(file, false);
            }
        };
        float[] predicted;
        float[] afterFit;
        try (var m = new CheckpointsTest.HpClassifier(12, 1e-2f); NDManager data = NDManager.newBaseManager()) {
            try (var t = Fixtures.quietTrainer(root).maxEpochs(1).callbacks(saveAtEnd).build()) {
                t.fit(m, Fixtures.loader(Fixtures.blobs(128, 8, 1), 32, true));
                TensorDataset three = TensorDataset.builder().data(inputs(), new Shape(8)).labels(new long[3]).build();
                List<Object> out = t.predict(m, DataLoader.of(three).batchSize(3).build());
                predicted = ((NDList) out.get(0)).head().toFloatArray();
            }
            m.eval();
            NDArray alone = m.forward(data.create(inputs(), new Shape(3, 8)));
            assertEquals(new Shape(3, 4), alone.getShape());
            afterFit = alone.toFloatArray();
            assertArrayEquals(predicted, afterFit, 1e-6f, "alone as in the Trainer's predict loop");
        }
        try (var loaded = LightningModule.loadFromCheckpoint(CheckpointsTest.HpClassifier.class, file);
             NDManager data = NDManager.newBaseManager()) {
            loaded.eval();
            float[] fromCheckpoint = loaded.forward(data.create(inputs(), new Shape(3, 8))).toFloatArray();
            assertArrayEquals(afterFit, fromCheckpoint, 0f, "the checkpoint's weights, taken at first forward");
        }
    }

    @Test
    void aloneTheModuleHasNoTrainerAndAClosedOneSaysWhen() {
        var m = new Fixtures.Classifier();
        IllegalStateException e = assertThrows(IllegalStateException.class, m::optimizers);
        assertTrue(e.getMessage().startsWith("Classifier is not attached to a Trainer: optimizers()"), e.getMessage());
        m.close();
        try (NDManager data = NDManager.newBaseManager()) {
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> m.forward(data.create(inputs(), new Shape(3, 8))));
            assertTrue(closed.getMessage().startsWith("Classifier was closed at "), closed.getMessage());
        }
    }
}
