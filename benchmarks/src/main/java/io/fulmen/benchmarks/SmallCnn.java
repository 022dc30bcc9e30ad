package io.fulmen.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.nn.Losses;
import io.fulmen.nn.Metrics;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;

import static io.fulmen.data.Batches.data;
import static io.fulmen.data.Batches.labels;

/**
 * {@code benchmarks/run core}'s small CNN for Fashion-MNIST: the (28, 28) image gets a channel axis, then
 * Conv2d(1 to 16, 3x3, padding 1), ReLU, 2x2 max-pool, Conv2d(16 to 32, 3x3), ReLU, 2x2 max-pool, flatten
 * (32 x 6 x 6 = 1152) and Linear(10); cross entropy, Adam. Most of its step is convolution kernels, so it shows
 * Fulmen's per-step cost against a step several times longer than the MLP's. The module is written as a Lightning
 * user would: it logs its loss every step, like {@code LitClassifier}.
 */
final class SmallCnn extends LightningModule {
    private final float lr;
    private final Block net = network();

    SmallCnn(float lr) {
        this.lr = lr;
    }

    /** A new, uninitialised copy of the network (the hand-written loop builds its own from here). */
    static Block network() {
        return new SequentialBlock()
                .add(x -> new NDList(x.singletonOrThrow().expandDims(1)))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16)
                        .build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    @Override
    public Block block() {
        return net;
    }

    @Override
    public NDArray trainingStep(Batch batch, int batchIdx) {
        NDArray loss = Losses.crossEntropy(forward(data(batch)), labels(batch));
        log("train_loss", loss, LogOptions.progBar());
        return loss;
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        NDArray logits = forward(data(batch));
        log("test_loss", Losses.crossEntropy(logits, labels(batch)));
        log("test_acc", Metrics.accuracy(logits, labels(batch)));
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        return OptimizerConfig.of(Adam.builder().lr(lr).build());
    }
}
