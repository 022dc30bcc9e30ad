package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.dataset.Batch;
import io.fulmen.BlockExecutionException;
import io.fulmen.LightningModule;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model bug surfaces with the block, where it ran and the input shapes, not as a bare engine message. */
class BlockErrorContextTest {
    @TempDir
    Path root;

    /** A convolution fed flat vectors: the classic wrong-shape bug. */
    static final class FlatIntoConv extends LightningModule {
        private final Block conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build();

        @Override
        public Block block() {
            return conv;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            return forward(batch.getData()).head().mean();
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(0.1f).build());
        }
    }

    @Test
    void aWrongInputShapeNamesTheBlockTheStepAndTheShapes() {
        var train = Fixtures.loader(Fixtures.blobs(32, 8, 1), 16, false);
        try (var m = new FlatIntoConv(); var t = Fixtures.quietTrainer(root).maxEpochs(1).build()) {
            BlockExecutionException e = assertThrows(BlockExecutionException.class, () -> t.fit(m, train));
            assertTrue(e.getMessage().startsWith("Conv2d failed in fit (epoch 0, global step 0, batch 0) on inputs "
                    + "of shapes [(16, 8)]: "), e.getMessage());
            assertNotNull(e.getCause(), "the engine's own error is kept");
        }
    }
}
