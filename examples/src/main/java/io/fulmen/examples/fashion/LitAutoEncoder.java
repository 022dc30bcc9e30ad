package io.fulmen.examples.fashion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;

import static io.fulmen.data.Batches.data;

/**
 * Lightning's seed autoencoder: an encoder {@code Linear(64)}, ReLU, {@code Linear(3)} squeezes a flattened image
 * into a 3-number embedding, a decoder {@code Linear(64)}, ReLU, {@code Linear(784)} rebuilds it, and the loss is
 * the mean squared error of the rebuild. {@link #forward} and {@link #predictStep} return the embedding, as in
 * Lightning's example.
 *
 * <p>Both halves live in one {@link #block()}, so the Trainer owns, optimizes and checkpoints their parameters
 * together; the steps still run them one after the other to get at the embedding.
 */
public final class LitAutoEncoder extends LightningModule {
    /** Lightning's example learning rate. */
    public static final float DEFAULT_LR = 1e-3f;
    private static final int HIDDEN = 64;
    private static final int EMBEDDING = 3;
    private static final int PIXELS = 28 * 28;

    private final float lr;
    private final SequentialBlock encoder;
    private final SequentialBlock decoder;
    private final SequentialBlock both;

    /** The example as Lightning ships it: Adam with lr 1e-3. */
    public LitAutoEncoder() {
        this(DEFAULT_LR);
    }

    /** @param lr Adam's learning rate */
    public LitAutoEncoder(@HyperParameter("lr") float lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be positive, got " + lr);
        }
        this.lr = lr;
        // the encoder flattens too, so the joint block can be initialised from raw (batch, 28, 28) images as well
        this.encoder = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(EMBEDDING).build());
        this.decoder = new SequentialBlock()
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(PIXELS).build());
        this.both = new SequentialBlock().add(encoder).add(decoder);
        saveHyperparameters("lr", lr);
    }

    @Override
    public Block block() {
        return both;
    }

    public Block encoder() {
        return encoder;
    }

    public Block decoder() {
        return decoder;
    }

    public float lr() {
        return lr;
    }

    /** The embedding of the images in {@code inputs} (batch, 3). */
    @Override
    public NDList forward(NDList inputs) {
        return runBlock(encoder, inputs);
    }

    @Override
    public NDArray trainingStep(Batch batch, int batchIdx) {
        NDArray loss = reconstructionLoss(batch);
        log("train_loss", loss, LogOptions.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        log("val_loss", reconstructionLoss(batch), LogOptions.progBar());
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        log("test_loss", reconstructionLoss(batch));
    }

    /** The embedding of the batch's images, (batch, 3). */
    @Override
    public Object predictStep(Batch batch, int batchIdx) {
        return forward(data(batch));
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        return OptimizerConfig.of(Adam.builder().lr(lr).build());
    }

    private NDArray reconstructionLoss(Batch batch) {
        NDArray images = data(batch);
        NDArray x = images.reshape(images.getShape().get(0), -1);
        NDArray xHat = runBlock(decoder, runBlock(encoder, x));
        return Losses.mse(xHat, x);
    }
}
