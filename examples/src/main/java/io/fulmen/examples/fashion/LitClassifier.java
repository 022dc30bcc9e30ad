package io.fulmen.examples.fashion;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.HyperParameter;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.nn.Losses;
import io.fulmen.nn.Metrics;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;

/**
 * A two-layer perceptron for Fashion-MNIST: flatten the 28x28 image, {@code Linear(hidden)}, ReLU,
 * {@code Linear(10)}, trained with cross entropy and Adam. Input sizes are never stated: the first batch sets them.
 */
public final class LitClassifier extends LightningModule {
    private static final int CLASSES = 10;

    private final int hidden;
    private final float lr;
    private final Block net;

    /**
     * @param hidden units of the hidden layer (128 is a good start)
     * @param lr Adam's learning rate (1e-3 is a good start)
     */
    public LitClassifier(@HyperParameter("hidden") int hidden, @HyperParameter("lr") float lr) {
        if (hidden <= 0) {
            throw new IllegalArgumentException("hidden must be positive, got " + hidden);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be positive, got " + lr);
        }
        this.hidden = hidden;
        this.lr = lr;
        this.net = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(CLASSES).build());
        saveHyperparameters("hidden", hidden, "lr", lr);
    }

    @Override
    public Block block() {
        return net;
    }

    public int hidden() {
        return hidden;
    }

    public float lr() {
        return lr;
    }

    @Override
    public NDArray trainingStep(Batch batch, int batchIdx) {
        NDArray logits = forward(batch.getData()).head();
        NDArray loss = Losses.crossEntropy(logits, batch.getLabels().head());
        log("train_loss", loss, LogOptions.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        NDArray logits = forward(batch.getData()).head();
        NDArray labels = batch.getLabels().head();
        log("val_loss", Losses.crossEntropy(logits, labels), LogOptions.progBar());
        log("val_acc", Metrics.accuracy(logits, labels));
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        NDArray logits = forward(batch.getData()).head();
        NDArray labels = batch.getLabels().head();
        log("test_loss", Losses.crossEntropy(logits, labels));
        log("test_acc", Metrics.accuracy(logits, labels));
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        return OptimizerConfig.of(Adam.builder().lr(lr).build());
    }
}
