package io.fulmen.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.nn.Metrics;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;

import java.util.SplittableRandom;

/** A small MLP classifier over a learnable 4-class problem, the same on both engines. */
class MlpClassifier extends LightningModule {
    final Block net = new SequentialBlock()
            .add(Linear.builder().setUnits(16).build())
            .add(Activation.reluBlock())
            .add(Linear.builder().setUnits(4).build());

    MlpClassifier() {
        saveHyperparameters("hidden", 16);
    }

    @Override
    public Block block() {
        return net;
    }

    @Override
    public NDArray trainingStep(Batch batch, int batchIdx) {
        NDArray loss = Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
        log("train_loss", loss, LogOptions.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        NDArray logits = forward(batch.getData()).head();
        log("val_loss", Losses.crossEntropy(logits, batch.getLabels().head()), LogOptions.progBar());
        log("val_acc", Metrics.accuracy(logits, batch.getLabels().head()));
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        NDArray logits = forward(batch.getData()).head();
        log("test_loss", Losses.crossEntropy(logits, batch.getLabels().head()));
        log("test_acc", Metrics.accuracy(logits, batch.getLabels().head()));
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        return OptimizerConfig.of(Adam.builder().lr(1e-2f).build());
    }

    /** The class is the index of the largest of the first four features. */
    static DataLoader blobs(int n, long seed, int batchSize) {
        int features = 8;
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * features];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int f = 0; f < features; f++) {
                x[i * features + f] = (float) rng.nextGaussian();
                if (f < 4 && x[i * features + f] > x[i * features + best]) {
                    best = f;
                }
            }
            y[i] = best;
        }
        TensorDataset ds = TensorDataset.builder().data(x, new Shape(features)).labels(y).build();
        return DataLoader.of(ds).batchSize(batchSize).build();
    }
}
