package io.fulmen.benchmarks;

import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.logger.CsvLogger;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;
import io.fulmen.tensorboard.TensorBoardLogger;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * {@code benchmarks/run tensorboard}: (1) raw logging throughput: 1,000,000 scalars through the TensorBoard logger,
 * flushed to disk; (2) the cost of logging every step in training: the core MLP (784-128-10, Adam, batch 64) with
 * the TensorBoard logger at log_every_n_steps=1 against no logger, in interleaved rounds of the same steps; rounds
 * where other processes used more than 0.15 core are not counted. Last line: {@code tensorboard: with/without = R}
 * (median of per-round ratios of median step times). Between the two, what one step's {@code logMetrics} costs the
 * training thread, for the TensorBoard and the CSV logger.
 */
public final class TensorBoardBenchmark {
    private static final int SCALARS = Integer.getInteger("tb.scalars", 1_000_000);
    private static final int STEPS = Integer.getInteger("tb.steps", 200);
    private static final int ROUNDS = Integer.getInteger("tb.rounds", 31);
    private static final double BUSY = 0.15;
    private static final int HANDOVER_CALLS = Integer.getInteger("tb.handoverCalls", 20_000);

    private TensorBoardBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("fulmen-tb-bench");
        throughput(dir.resolve("throughput"));
        handOver("tensorboard", new TensorBoardLogger(dir.resolve("handover")));
        handOver("csv", new CsvLogger(dir.resolve("handover-csv")));

        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).build();
        data.prepareData();
        data.setup(Stage.FIT);
        System.out.println(data.source().describe());
        DataLoader loader = DataLoader.of(data.trainDataset()).batchSize(64).shuffle(true).prefetch(0).build();
        round(loader, dir.resolve("warmup"), true);
        round(loader, dir.resolve("warmup"), false);

        double median = PairedRounds.medianRatio("tensorboard", ROUNDS, BUSY,
                () -> round(loader, dir.resolve("rounds"), true),
                () -> round(loader, dir.resolve("rounds"), false));
        System.out.printf(Locale.ROOT, "tensorboard: with/without = %.3f%n", median);
    }

    private static void throughput(Path dir) {
        TensorBoardLogger logger = new TensorBoardLogger(dir);
        long start = System.nanoTime();
        for (int i = 0; i < SCALARS; i++) {
            logger.logMetrics(Map.of("loss", 1.0 / (i + 1)), i);
        }
        logger.finish(RunStatus.SUCCESS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "logged %,d scalars (one event each) in %.2f s, flushed: %,.0f events/s%n",
                SCALARS, seconds, SCALARS / seconds);
    }

    /**
     * What logging one step costs the training thread: {@link #HANDOVER_CALLS} calls of {@code logMetrics} with a
     * step's two scalars, one every ~200 microseconds (a fast training step, so the writer keeps up as in training),
     * each timed alone. Issue 14's target: at most 5 microseconds.
     */
    private static void handOver(String name, ExperimentLogger logger) {
        long[] nanos = new long[HANDOVER_CALLS];
        for (int pass = 0; pass < 2; pass++) { // the first pass warms the JIT up
            for (int i = 0; i < HANDOVER_CALLS; i++) {
                Map<String, Double> metrics = Map.of("train_loss", 1.0 / (i + 1), "train_acc", i * 1e-6);
                long start = System.nanoTime();
                logger.logMetrics(metrics, pass * HANDOVER_CALLS + i);
                nanos[i] = System.nanoTime() - start;
                long until = System.nanoTime() + 200_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
        }
        logger.finish(RunStatus.SUCCESS);
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%s logMetrics on the training thread (2 scalars, every 200 us, %,d calls): "
                + "median %.2f us, p99 %.2f us, max %.1f us%n", name, HANDOVER_CALLS, nanos[HANDOVER_CALLS / 2] / 1e3,
                nanos[HANDOVER_CALLS * 99 / 100] / 1e3, nanos[HANDOVER_CALLS - 1] / 1e3);
    }

    /** One timed run of {@link #STEPS} training steps; the median step time in milliseconds. */
    private static double round(DataLoader loader, Path root, boolean withTensorBoard) {
        StepClock clock = new StepClock();
        TrainerBuilder b = Trainer.builder().defaultRootDir(root).maxSteps(STEPS).numSanityValSteps(0)
                .limitValBatches(0).enableCheckpointing(false).enableModelSummary(false).enableProgressBar(false)
                .logEveryNSteps(1).seed(1).callbacks(clock)
                .output(new PrintStream(OutputStream.nullOutputStream()), false);
        if (withTensorBoard) {
            b.logger("tensorboard");
        } else {
            b.logger(false);
        }
        try (LitClassifier model = new LitClassifier(128, 1e-3f); Trainer trainer = b.build()) {
            trainer.fit(model, loader);
        }
        return clock.times().medianMs();
    }
}
