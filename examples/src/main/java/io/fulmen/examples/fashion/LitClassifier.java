package io.fulmen.examples.fashion;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
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
 * A two-layer perceptron for Fashion-MNIST: flatten the 28x28 image, {@code Linear(hidden)}, ReLU,
 * {@code Linear(10)}, trained with cross entropy and Adam. Input sizes are never stated: the first batch sets them.
 */
public final class LitClassifier extends LightningModule {
    /**
     * The hyperparameters, declared once: saved with the module, rebuilt by {@code loadFromCheckpoint}.
     *
     * @param hidden units of the hidden layer (128 is a good start)
     * @param lr Adam's learning rate (1e-3 is a good start)
     */
    public record Config(int hidden, float lr) {
        public Config {
            if (hidden <= 0) {
                throw new IllegalArgumentException("hidden must be positive, got " + hidden);
            }
            if (!(lr > 0)) {
                throw new IllegalArgumentException("lr must be positive, got " + lr);
            }
        }
    }

    private final Config config;
    private final Block net;

    public LitClassifier(Config config) {
        this.config = saveHyperparameters(config);
        this.net = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(config.hidden()).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    public LitClassifier(int hidden, float lr) {
        this(new Config(hidden, lr));
    }

    @Override
    public Block block() {
        return net;
    }

    public Config config() {
        return config;
    }

    @Override
    public NDArray trainingStep(Batch batch, int batchIdx) {
        NDArray loss = Losses.crossEntropy(forward(data(batch)), labels(batch));
        log("train_loss", loss, LogOptions.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        NDArray logits = forward(data(batch));
        log("val_loss", Losses.crossEntropy(logits, labels(batch)), LogOptions.progBar().withSyncDist(true));
        log("val_acc", Metrics.accuracy(logits, labels(batch)), LogOptions.defaults().withSyncDist(true));
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        NDArray logits = forward(data(batch));
        log("test_loss", Losses.crossEntropy(logits, labels(batch)));
        log("test_acc", Metrics.accuracy(logits, labels(batch)));
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        return OptimizerConfig.of(Adam.builder().lr(config.lr()).build());
    }
}
