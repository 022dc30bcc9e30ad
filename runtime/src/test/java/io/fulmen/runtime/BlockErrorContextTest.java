package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.dataset.Batch;
import io.fulmen.BlockExecutionException;
import io.fulmen.LightningModule;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model bug surfaces with the block, where it ran and the input shapes, not as a bare engine message. */
class BlockErrorContextTest {
    @TempDir
    Path root;

    /** A convolution fed flat vectors: the classic wrong-shape bug. */
    static final class FlatIntoConv extends LightningModule {
        private final Block net;

        FlatIntoConv(Block net) {
            this.net = net;
        }

        FlatIntoConv() {
            this(conv());
        }

        @Override
        public Block block() {
            return net;
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

    @Test
    void aWrongInputShapeInsideASequentialBlockNamesTheChildItsClassAndTheShapesItGets() {
        Block cnn = new SequentialBlock()
                .add(conv())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(4).build());
        var train = Fixtures.loader(Fixtures.blobs(32, 784, 1), 16, false);
        try (var m = new FlatIntoConv(cnn); var t = Fixtures.quietTrainer(root).maxEpochs(1).build()) {
            BlockExecutionException e = assertThrows(BlockExecutionException.class, () -> t.fit(m, train));
            assertEquals("SequentialBlock failed in fit (epoch 0, global step 0, batch 0) on inputs of shapes "
                    + "[(16, 784)]: at 01Conv2d (Conv2d), which rejects inputs of shapes [(16, 784)]: "
                    + e.getCause().getMessage(), e.getMessage());
            assertEquals("Expected layout: NCHW, but got: ??", e.getCause().getMessage());
        }
    }

    @Test
    void theChildIsFoundInsideNestedSequentialBlocksWithTheShapesItsPredecessorsMake() {
        Block net = new SequentialBlock()
                .add(Linear.builder().setUnits(64).build())
                .add(new SequentialBlock().add(Activation.reluBlock()).add(conv()).add(Blocks.batchFlattenBlock()))
                .add(Linear.builder().setUnits(4).build());
        var train = Fixtures.loader(Fixtures.blobs(32, 784, 1), 16, false);
        try (var m = new FlatIntoConv(net); var t = Fixtures.quietTrainer(root).maxEpochs(1).build()) {
            BlockExecutionException e = assertThrows(BlockExecutionException.class, () -> t.fit(m, train));
            assertTrue(e.getMessage().startsWith("SequentialBlock failed in fit (epoch 0, global step 0, batch 0) on "
                    + "inputs of shapes [(16, 784)]: at 02SequentialBlock/02Conv2d (Conv2d), which rejects inputs "
                    + "of shapes [(16, 64)]: "), e.getMessage());
        }
    }

    private static Block conv() {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build();
    }
}
