package io.fulmen.examples.cnn;

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
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.nn.Losses;
import io.fulmen.nn.Metrics;
import io.fulmen.optim.AdamW;
import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Schedules;

import static io.fulmen.data.Batches.data;
import static io.fulmen.data.Batches.labels;

/** A small CNN for 28x28 grey-scale images in ten classes: two conv/ReLU/max-pool stages and two linear layers. */
public final class LitCnn extends LightningModule {
    /** The hyperparameters, declared once: saved with the module and rebuilt by {@code loadFromCheckpoint}. */
    public record Config(int channels, float lr) {}

    private final Config config;
    private final Block net;

    public LitCnn(Config config) {
        this.config = saveHyperparameters(config);
        int c = config.channels();
        this.net = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(c).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(2 * c).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build())
                .add(Activation.reluBlock())
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

    private void evaluate(Batch batch, String stage) {
        NDArray logits = forward(data(batch));
        log(stage + "_loss", Losses.crossEntropy(logits, labels(batch)), LogOptions.progBar());
        log(stage + "_acc", Metrics.accuracy(logits, labels(batch)), LogOptions.progBar());
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        evaluate(batch, "val");
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        evaluate(batch, "test");
    }

    @Override
    public Object predictStep(Batch batch, int batchIdx) {
        return forward(data(batch)).argMax(1);
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        int steps = (int) trainer().estimatedSteppingBatches();
        return OptimizerConfig.of(AdamW.builder().lr(config.lr()).build())
                .withScheduler(Schedules.oneCycle(config.lr(), steps), Interval.STEP);
    }
}
