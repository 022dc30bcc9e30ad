package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A call whose step the module does not define fails before any work, with one message for every hook. */
class MissingHookTest {
    @TempDir
    Path root;

    /** Trains, but neither validates nor tests. */
    static final class TrainOnly extends LightningModule {
        private final Block net = Linear.builder().setUnits(2).build();
        boolean prepared;

        @Override
        public Block block() {
            return net;
        }

        @Override
        public void prepareData() {
            prepared = true;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            return forward(batch.getData()).head().mean();
        }
    }

    @Test
    void validateAndTestNameTheMissingStepBeforePreparingData() {
        var loader = Fixtures.loader(Fixtures.blobs(16, 8, 1), 8, false);
        try (var m = new TrainOnly(); var t = Fixtures.quietTrainer(root).build()) {
            IllegalStateException v = assertThrows(IllegalStateException.class, () -> t.validate(m, loader));
            assertEquals("TrainOnly does not override validationStep(Batch, int), which Trainer.validate needs: "
                    + "override it", v.getMessage());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.test(m, loader));
            assertEquals("TrainOnly does not override testStep(Batch, int), which Trainer.test needs: override it",
                    e.getMessage());
            IllegalStateException f = assertThrows(IllegalStateException.class, () -> t.fit(m, loader));
            assertEquals("TrainOnly does not override configureOptimizers() (return OptimizerConfig.of(optimizer)),"
                    + " which Trainer.fit needs: override it", f.getMessage());
            assertFalse(m.prepared, "nothing ran");
        }
    }

    @Test
    void aDefaultCalledDirectlyGivesTheSameMessage() {
        try (var m = new TrainOnly()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.testStep(null, 0));
            assertEquals("TrainOnly does not override testStep(Batch, int), which Trainer.test needs: override it",
                    e.getMessage());
        }
    }
}
