package io.fulmen.examples.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.datasets.MnistFiles;
import io.fulmen.nn.Losses;
import io.fulmen.nn.Metrics;
import io.fulmen.optim.AdamW;
import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Schedules;
import io.fulmen.runtime.CkptPath;
import io.fulmen.runtime.Predictions;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.callbacks.EarlyStopping;
import io.fulmen.runtime.callbacks.LearningRateMonitor;
import io.fulmen.runtime.callbacks.ModelCheckpoint;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static io.fulmen.data.Batches.data;
import static io.fulmen.data.Batches.labels;

/**
 * A CNN on Fashion-MNIST with everything a real project uses: its own DataModule, the two best checkpoints and the
 * last, early stopping, a learning-rate monitor, gradient clipping and accumulation, validation twice per epoch,
 * CSV and TensorBoard logs, test and predict with the best weights, reloading, and resuming. The same program in
 * Lightning is {@code examples/lightning/fashion_cnn.py}; {@code LineCountTest} compares their sizes.
 */
public final class FashionCnn {
    /** Fashion-MNIST from its four IDX files; the training images split into train and validation with seed 42. */
    public static final class FashionMnist extends LightningDataModule {
        public record Config(Path dataDir, int batchSize, int valSize) {}

        private final Config config;
        private TensorDataset train, val, test;

        public FashionMnist(Config config) {
            this.config = saveHyperparameters(config);
        }

        @Override public void setup(Stage stage) {
            if (stage == Stage.FIT) {
                var full = MnistFiles.train(config.dataDir());
                var parts = full.randomSplit(42, full.size() - config.valSize(), config.valSize());
                train = parts.get(0);
                val = parts.get(1);
            } else {
                test = MnistFiles.test(config.dataDir());
            }
        }

        @Override public DataLoader trainDataloader() {
            return DataLoader.of(train).batchSize(config.batchSize()).shuffle(true).build();
        }
        @Override public DataLoader valDataloader() { return DataLoader.of(val).batchSize(256).build(); }
        @Override public DataLoader testDataloader() { return DataLoader.of(test).batchSize(256).build(); }
        @Override public DataLoader predictDataloader() { return testDataloader(); }
    }

    /** Two conv/ReLU/max-pool stages and two linear layers, for 1x28x28 images in ten classes. */
    public static final class LitCnn extends LightningModule {
        public record Config(int channels, float lr) {}

        private final Config config;
        private final Block net;

        public LitCnn(Config config) {
            this.config = saveHyperparameters(config);
            this.net = new SequentialBlock()
                    .add(conv(config.channels())).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                    .add(conv(2 * config.channels())).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                    .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(128).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(10).build());
        }

        private static Block conv(int filters) {
            return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters)
                    .build();
        }

        @Override public Block block() { return net; }

        @Override public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = Losses.crossEntropy(forward(data(batch)), labels(batch));
            log("train_loss", loss, LogOptions.progBar());
            return loss;
        }

        private void evaluate(Batch batch, String stage) {
            NDArray logits = forward(data(batch));
            log(stage + "_loss", Losses.crossEntropy(logits, labels(batch)), LogOptions.progBar());
            log(stage + "_acc", Metrics.accuracy(logits, labels(batch)), LogOptions.progBar());
        }

        @Override public void validationStep(Batch batch, int batchIdx) { evaluate(batch, "val"); }
        @Override public void testStep(Batch batch, int batchIdx) { evaluate(batch, "test"); }
        @Override public Object predictStep(Batch batch, int batchIdx) { return forward(data(batch)).argMax(1); }

        @Override public OptimizerConfig configureOptimizers() {
            int steps = (int) trainer().estimatedSteppingBatches();
            return OptimizerConfig.of(AdamW.builder().lr(config.lr()).build())
                    .withScheduler(Schedules.oneCycle(config.lr(), steps), Interval.STEP);
        }
    }

    /**
     * Fits (resuming from the last checkpoint under {@code root} when there is one), tests the best weights and
     * returns their test metrics.
     */
    public static Map<String, Double> run(Path root, FashionMnist.Config dataConfig, LitCnn.Config modelConfig,
                                          int epochs) {
        var data = new FashionMnist(dataConfig);
        var checkpoint = ModelCheckpoint.builder().monitor("val_loss").saveTopK(2).saveLast(true).build();
        try (var model = new LitCnn(modelConfig);
             var trainer = Trainer.builder().defaultRootDir(root).maxEpochs(epochs).seed(42)
                     .callbacks(checkpoint, EarlyStopping.builder("val_loss").patience(3).build(),
                             LearningRateMonitor.of("step"))
                     .logger("csv", "tensorboard")
                     .gradientClipVal(1.0).accumulateGradBatches(2).valCheckInterval(0.5).build()) {
            trainer.fit(model, data, CkptPath.LAST);
            Map<String, Double> results = trainer.test(model, data, CkptPath.BEST).get(0);
            try (Predictions<NDArray> predicted = trainer.predict(model, data, CkptPath.BEST, NDArray.class)) {
                long[] first = predicted.concat().get("0:10").toLongArray();
                System.out.println("predicted classes of the first ten test images: " + Arrays.toString(first));
            }
            try (var best = LightningModule.loadFromCheckpoint(LitCnn.class, Path.of(checkpoint.bestModelPath()));
                 var memory = NDManager.newBaseManager(); var batches = data.testDataloader().open(memory, 0, 0, 1)) {
                best.eval();
                Batch batch = batches.next();
                float accuracy = Metrics.accuracy(best.forward(data(batch)), labels(batch)).getFloat();
                System.out.printf("reloaded best model, accuracy on one test batch: %.3f%n", accuracy);
            }
            return results;
        }
    }

    /** {@code FashionCnn [epochs] [data-dir]}: 3 epochs on Debian's {@code dataset-fashion-mnist} by default. */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dataDir = Path.of(args.length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist");
        run(Path.of("."), new FashionMnist.Config(dataDir, 64, 5000), new LitCnn.Config(32, 1e-3f), epochs);
    }
}
