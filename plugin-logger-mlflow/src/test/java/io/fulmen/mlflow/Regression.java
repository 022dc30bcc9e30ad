package io.fulmen.mlflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;

import java.util.Map;
import java.util.SplittableRandom;

/** Linear regression on random data: logs its loss every step and a validation loss per epoch. */
class Regression extends LightningModule {
    private final Block net = Linear.builder().setUnits(1).build();
    private final int failAtStep;

    Regression() {
        this(-1);
    }

    /** Throws from {@code trainingStep} at global step {@code failAtStep} (>= 0). */
    Regression(int failAtStep) {
        this.failAtStep = failAtStep;
        saveHyperparameters("lr", 0.05, "optimizer", "sgd", "layers", Map.of("hidden", 0, "bias", true));
    }

    @Override
    public Block block() {
        return net;
    }

    @Override
    public NDArray trainingStep(Batch batch, int batchIdx) {
        if (failAtStep >= 0 && trainer().globalStep() == failAtStep) {
            throw new IllegalStateException("the model broke at step " + failAtStep);
        }
        NDArray loss = Losses.mse(forward(batch.getData()).head(), batch.getLabels().head());
        log("train_loss", loss, LogOptions.defaults().withOnEpoch(true));
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        log("val_loss", Losses.mse(forward(batch.getData()).head(), batch.getLabels().head()));
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        return OptimizerConfig.of(Sgd.builder().lr(0.05f).build());
    }

    static DataLoader data(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[rows * 3];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            for (int f = 0; f < 3; f++) {
                x[i * 3 + f] = (float) rng.nextGaussian();
            }
            y[i] = 2 * x[i * 3] - x[i * 3 + 1] + 0.5f;
        }
        TensorDataset ds = TensorDataset.builder().data(x, new Shape(3)).labels(y, new Shape(1)).build();
        return DataLoader.of(ds).batchSize(32).build();
    }
}
