package io.fulmen.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.metrics.Accuracy;
import io.fulmen.metrics.Auroc;
import io.fulmen.metrics.Average;
import io.fulmen.metrics.F1Score;
import io.fulmen.metrics.MetricCollection;
import io.fulmen.nn.Losses;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.Trainer;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static io.fulmen.data.Batches.data;
import static io.fulmen.data.Batches.labels;

/**
 * {@code benchmarks/run metrics}: the cost of stateful metrics in training. The core MLP (784-128-10, Adam, batch 64)
 * on Fashion-MNIST, each step updating multiclass accuracy, macro F1 and one-vs-rest AUROC through one
 * {@code MetricCollection} (the batch read to the heap once for the three; all logged on epoch), against the same
 * steps without metrics, in interleaved rounds; rounds where other processes used
 * more than 0.15 core are not counted. Last line: {@code metrics: with/without = R} (median of per-round ratios of
 * median step times; the target is R &lt;= 1.03).
 */
public final class MetricsBenchmark {
    private static final int STEPS = Integer.getInteger("metrics.steps", 200);
    private static final int ROUNDS = Integer.getInteger("metrics.rounds", 31);
    private static final double BUSY = 0.15;

    private MetricsBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("fulmen-metrics-bench");
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).build();
        data.prepareData();
        data.setup(Stage.FIT);
        System.out.println(data.source().describe());
        DataLoader loader = DataLoader.of(data.trainDataset()).batchSize(64).shuffle(true).prefetch(0).build();
        round(loader, dir, true);
        round(loader, dir, false);

        double median = PairedRounds.medianRatio("metrics", ROUNDS, BUSY, () -> round(loader, dir, true),
                () -> round(loader, dir, false));
        System.out.printf(Locale.ROOT, "metrics: with/without = %.3f%n", median);
    }

    /** One timed run of {@link #STEPS} training steps; the median step time in milliseconds. */
    private static double round(DataLoader loader, Path root, boolean withMetrics) {
        StepClock clock = new StepClock();
        try (Mlp model = new Mlp(withMetrics);
             Trainer trainer = Trainer.builder().defaultRootDir(root).maxSteps(STEPS).numSanityValSteps(0)
                     .limitValBatches(0).enableCheckpointing(false).enableModelSummary(false)
                     .enableProgressBar(false).logger(false).seed(1).callbacks(clock)
                     .output(new PrintStream(OutputStream.nullOutputStream()), false).build()) {
            trainer.fit(model, loader, (DataLoader) null);
        }
        return clock.times().medianMs();
    }

    /** The examples' Fashion-MNIST MLP, with or without metrics updated at every step. */
    private static final class Mlp extends LightningModule {
        private final Block net = new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
        private final boolean withMetrics;
        private final Accuracy accuracy = Accuracy.multiclass(10);
        private final F1Score f1 = F1Score.multiclass(10, Average.MACRO);
        private final Auroc auroc = Auroc.multiclass(10);
        private final MetricCollection metrics = MetricCollection.of(accuracy, f1, auroc);

        Mlp(boolean withMetrics) {
            this.withMetrics = withMetrics;
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray logits = forward(data(batch));
            NDArray y = labels(batch);
            NDArray loss = Losses.crossEntropy(logits, y);
            log("train_loss", loss, LogOptions.progBar());
            if (withMetrics) {
                metrics.update(logits, y);
                log("train_acc", accuracy, LogOptions.epochOnly());
                log("train_f1", f1, LogOptions.epochOnly());
                log("train_auroc", auroc, LogOptions.epochOnly());
            }
            return loss;
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Adam.builder().lr(1e-3f).build());
        }
    }
}
