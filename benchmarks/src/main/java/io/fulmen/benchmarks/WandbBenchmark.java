package io.fulmen.benchmarks;

import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.spi.RunStatus;
import io.fulmen.wandb.WandbLogger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code benchmarks/run wandb}: (1) raw logging throughput: 200,000 history rows of two metrics (each a history and
 * a summary record) through the W&amp;B offline logger, closed and forced to disk; (2) the cost of logging every step
 * in training: the core MLP (784-128-10, Adam, batch 64) with {@code logger("wandb")} at log_every_n_steps=1 against
 * no logger, in interleaved rounds of the same steps; rounds where other processes used more than 0.15 core are not
 * counted. Last line: {@code wandb: with/without = R} (median of per-round ratios of median step times).
 */
public final class WandbBenchmark {
    private static final int ROWS = Integer.getInteger("wandb.rows", 200_000);
    private static final int STEPS = Integer.getInteger("wandb.steps", 200);
    private static final int ROUNDS = Integer.getInteger("wandb.rounds", 31);
    private static final double BUSY = 0.15;

    private WandbBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("fulmen-wandb-bench");
        throughput(dir.resolve("throughput"));

        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).build();
        data.prepareData();
        data.setup(Stage.FIT);
        System.out.println(data.source().describe());
        DataLoader loader = DataLoader.of(data.trainDataset()).batchSize(64).shuffle(true).prefetch(0).build();
        round(loader, dir.resolve("warmup"), true);
        round(loader, dir.resolve("warmup"), false);

        double median = PairedRounds.medianRatio("wandb", ROUNDS, BUSY,
                () -> round(loader, dir.resolve("rounds"), true),
                () -> round(loader, dir.resolve("rounds"), false));
        System.out.printf(Locale.ROOT, "wandb: with/without = %.3f%n", median);
    }

    private static void throughput(Path dir) {
        WandbLogger logger = WandbLogger.builder(dir).saveDir(Path.of(".")).build();
        long start = System.nanoTime();
        for (int i = 0; i < ROWS; i++) {
            logger.logMetrics(Map.of("loss", 1.0 / (i + 1), "acc", i / (double) ROWS), i);
        }
        logger.finish(RunStatus.SUCCESS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "logged %,d rows of 2 metrics in %.2f s, on disk: %,.0f rows/s%n",
                ROWS, seconds, ROWS / seconds);
    }

    /** One timed run of {@link #STEPS} training steps; the median step time in milliseconds. */
    private static double round(DataLoader loader, Path root, boolean withWandb) {
        StepClock clock = new StepClock();
        TrainerBuilder b = Trainer.builder().defaultRootDir(root).maxSteps(STEPS).numSanityValSteps(0)
                .limitValBatches(0).enableCheckpointing(false).enableModelSummary(false).enableProgressBar(false)
                .logEveryNSteps(1).seed(1).callbacks(clock)
                .output(new PrintStream(OutputStream.nullOutputStream()), false);
        if (withWandb) {
            b.logger("wandb");
        } else {
            b.logger(false);
        }
        try (LitClassifier model = new LitClassifier(128, 1e-3f); Trainer trainer = b.build()) {
            trainer.fit(model, loader);
        }
        return clock.times().medianMs();
    }
}
