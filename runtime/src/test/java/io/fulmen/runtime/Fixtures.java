package io.fulmen.runtime;

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
import io.fulmen.optim.Optimizer;
import io.fulmen.optim.OptimizerConfig;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/** Small real models and data for runtime tests. */
final class Fixtures {
    private Fixtures() {}

    /** A learnable 4-class problem: the class is the index of the largest of the first four features. */
    static TensorDataset blobs(int n, int features, long seed) {
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
        return TensorDataset.builder().data(x, new Shape(features)).labels(y).build();
    }

    static DataLoader loader(TensorDataset ds, int batchSize, boolean shuffle) {
        return DataLoader.of(ds).batchSize(batchSize).shuffle(shuffle).build();
    }

    /** An MLP classifier logging train_loss, val_loss/val_acc and test_loss/test_acc. */
    static class Classifier extends LightningModule {
        final Block net;
        final Supplier<Optimizer> optimizer;

        Classifier(int hidden, Supplier<Optimizer> optimizer) {
            this.optimizer = optimizer;
            this.net = new SequentialBlock()
                    .add(Linear.builder().setUnits(hidden).build())
                    .add(Activation::relu)
                    .add(Linear.builder().setUnits(4).build());
            saveHyperparameters("hidden", hidden);
        }

        Classifier() {
            this(16, () -> Adam.builder().lr(1e-2f).build());
        }

        @Override
        public Block block() {
            return net;
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
            return OptimizerConfig.of(optimizer.get());
        }
    }

    static TrainerBuilder quietTrainer(java.nio.file.Path root) {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .logger(false).enableCheckpointing(false).seed(7);
    }
}
