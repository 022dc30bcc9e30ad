package io.fulmen.benchmarks;

import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.mlflow.MlflowLoggerProvider;
import io.fulmen.mlflow.MlflowTestServer;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.RunStatus;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code benchmarks/run mlflow}, against the MLflow REST test server on 127.0.0.1 (the plugin's test server, as a
 * real MLflow server cannot be installed here): (1) delivery throughput: 200,000 metric points logged one call
 * each, timed until the run is finished and every point is stored; (2) the cost of logging every step in
 * training: the core MLP (784-128-10, Adam, batch 64) with the MLflow logger at log_every_n_steps=1 against no
 * logger, in interleaved rounds; rounds where other processes used more than 0.15 core are not counted. Last line:
 * {@code mlflow: with/without = R} (median of per-round ratios of median step times).
 */
public final class MlflowBenchmark {
    private static final int POINTS = Integer.getInteger("mlflow.points", 200_000);
    private static final int STEPS = Integer.getInteger("mlflow.steps", 200);
    private static final int ROUNDS = Integer.getInteger("mlflow.rounds", 21);
    private static final double BUSY = 0.15;

    private MlflowBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("fulmen-mlflow-bench");
        try (MlflowTestServer server = MlflowTestServer.start()) {
            throughput(server, dir.resolve("throughput"));

            FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).build();
            data.prepareData();
            data.setup(Stage.FIT);
            System.out.println(data.source().describe());
            DataLoader loader = DataLoader.of(data.trainDataset()).batchSize(64).shuffle(true).prefetch(0).build();
            round(server, loader, dir.resolve("warmup"), true);
            round(server, loader, dir.resolve("warmup"), false);

            double median = PairedRounds.medianRatio("mlflow", ROUNDS, BUSY,
                    () -> round(server, loader, dir.resolve("rounds"), true),
                    () -> round(server, loader, dir.resolve("rounds"), false));
            System.out.printf(Locale.ROOT, "mlflow: with/without = %.3f%n", median);
        }
    }

    private static void throughput(MlflowTestServer server, Path dir) {
        ExperimentLogger logger = new MlflowLoggerProvider().create(ProviderContext.of(dir).withOptions(
                new MlflowLoggerProvider(), Map.of("tracking_uri", server.uri(), "experiment_name", "throughput")));
        long start = System.nanoTime();
        for (int i = 0; i < POINTS; i++) {
            logger.logMetrics(Map.of("loss", 1.0 / (i + 1)), i);
        }
        double logged = (System.nanoTime() - start) / 1e9;
        logger.finish(RunStatus.SUCCESS);
        double seconds = (System.nanoTime() - start) / 1e9;
        int stored = server.run(logger.version()).metrics().size();
        if (stored != POINTS) {
            throw new IllegalStateException("the server stored " + stored + " of " + POINTS + " points");
        }
        System.out.printf(Locale.ROOT, "logged %,d points in %.2f s (%,.0f calls/s on the training thread); "
                        + "all delivered and stored after %.2f s: %,.0f points/s in %d log-batch requests%n", POINTS,
                logged, POINTS / logged, seconds, POINTS / seconds, server.logBatchRequests());
    }

    /** One timed run of {@link #STEPS} training steps; the median step time in milliseconds. */
    private static double round(MlflowTestServer server, DataLoader loader, Path root, boolean withMlflow) {
        StepClock clock = new StepClock();
        TrainerBuilder b = Trainer.builder().defaultRootDir(root).maxSteps(STEPS).numSanityValSteps(0)
                .limitValBatches(0).enableCheckpointing(false).enableModelSummary(false).enableProgressBar(false)
                .logEveryNSteps(1).seed(1).callbacks(clock)
                .output(new PrintStream(OutputStream.nullOutputStream()), false);
        if (withMlflow) {
            b.logger("mlflow").option("mlflow.tracking_uri", server.uri()).option("mlflow.experiment_name", "steps");
        } else {
            b.logger(false);
        }
        try (LitClassifier model = new LitClassifier(128, 1e-3f); Trainer trainer = b.build()) {
            trainer.fit(model, loader);
        }
        return clock.times().medianMs();
    }
}
