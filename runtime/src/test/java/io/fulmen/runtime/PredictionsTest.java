package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Predictions are typed, own their memory, outlive the Trainer and the module, and say when they were closed. */
class PredictionsTest {
    @TempDir
    Path root;

    private static DataLoader tenSamples() {
        TensorDataset ds = Fixtures.blobs(10, 8, 3);
        return DataLoader.of(ds).batchSize(4).build();
    }

    @Test
    void typedPredictionsOutliveTheTrainerAndTheModuleUntilClosed() {
        Predictions<NDArray> predictions;
        float[] first;
        var m = new Fixtures.Classifier();
        try (var t = Fixtures.quietTrainer(root).maxEpochs(1).build()) {
            t.fit(m, Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true));
            predictions = t.predict(m, tenSamples(), NDArray.class);
            first = predictions.get(0).toFloatArray();
        }
        m.close();
        assertEquals(3, predictions.size(), "batches of 4, 4 and 2");
        assertEquals(new Shape(4, 4), predictions.get(0).getShape());
        assertArrayEquals(first, predictions.get(0).toFloatArray(), "still readable after both were closed");
        NDArray all = predictions.concat();
        assertEquals(new Shape(10, 4), all.getShape());
        assertArrayEquals(first, all.get("0:4").toFloatArray());

        predictions.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> predictions.get(0));
        assertTrue(e.getMessage().startsWith("these predictions were closed at "), e.getMessage());
        assertTrue(e.getMessage().contains("by thread '" + Thread.currentThread().getName() + "'"), e.getMessage());
    }

    @Test
    void aTypeThePredictStepDoesNotReturnIsNamedWithTheBatch() {
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> t.predict(m, tenSamples(), String.class));
            assertEquals("predictStep returned a NDList for batch 0, not a String: return String from predictStep, "
                    + "or call predict without a type", e.getMessage());
        }
    }
}
