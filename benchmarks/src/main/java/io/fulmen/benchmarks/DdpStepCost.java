package io.fulmen.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.ddp.DdpStrategy;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The per-step cost of {@code strategy("ddp")} with 2 ranks against one process at equal global batch (2 x 64 vs
 * 128) on the Fashion-MNIST MLP, and the share of a ddp step spent averaging gradients. Each side is a fresh JVM
 * ({@code DdpStepCost single|ddp}); the ddp one starts its second rank itself. Rounds alternate which side runs
 * first; medians are reported.
 *
 * <p>Options: {@code -Dddp.step.rounds=3 -Dddp.step.steps=160 -Dddp.step.warmup=40}.
 */
final class DdpStepCost {
    private DdpStepCost() {}

    /** Median ms per step of each side and the sync share; prints one line per round and a summary. */
    static void compare() throws Exception {
        int rounds = Integer.getInteger("ddp.step.rounds", 3);
        List<Double> single = new ArrayList<>();
        List<Double> ddp = new ArrayList<>();
        List<Double> share = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            boolean singleFirst = round % 2 == 1;
            String[] a = singleFirst ? run("single") : run("ddp");
            String[] b = singleFirst ? run("ddp") : run("single");
            String[] s = singleFirst ? a : b;
            String[] d = singleFirst ? b : a;
            single.add(Double.parseDouble(s[0]));
            ddp.add(Double.parseDouble(d[0]));
            share.add(Double.parseDouble(d[1]) / Double.parseDouble(d[0]));
            System.out.printf(Locale.ROOT, "step round %d: one process (batch 128) %s ms/step, ddp 2 ranks (batch 64 "
                    + "each) %s ms/step, of which gradient sync %s ms%n", round, s[0], d[0], d[1]);
        }
        System.out.printf(Locale.ROOT, "step: median one process %.2f ms/step, ddp 2 ranks %.2f ms/step (ddp/one %.3f), "
                + "gradient sync share of a ddp step %.1f%%%n", median(single), median(ddp),
                median(ddp) / median(single), 100 * median(share));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Runs one side in a fresh JVM; returns its ms/step and sync ms/step. */
    private static String[] run(String side) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Files.createTempFile("fulmen-ddp-step", ".log");
        List<String> command = List.of(java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dddp.step.steps=" + Integer.getInteger("ddp.step.steps", 160),
                "-Dddp.step.warmup=" + Integer.getInteger("ddp.step.warmup", 40),
                "-cp", System.getProperty("java.class.path"), DdpStepCost.class.getName(), side);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(900, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(side + " failed:\n" + Files.readString(log));
        }
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("RESULT ")) {
                Files.delete(log);
                return line.substring(7).split(" ");
            }
        }
        throw new IllegalStateException(side + " printed no RESULT:\n" + Files.readString(log));
    }

    /** Times optimizer steps, and the ddp strategy's gradient averaging, after the warm-up. */
    private static final class Clock implements Callback {
        private final long warmup;
        private final DdpStrategy strategy;
        private long start;
        private long end;
        private long steps;
        private long syncStart;
        private long syncEnd;

        Clock(long warmup, DdpStrategy strategy) {
            this.warmup = warmup;
            this.strategy = strategy;
        }

        private long syncNanos() {
            return strategy == null ? 0 : strategy.gradientSynchronisationTime().toNanos();
        }

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            if (t.globalStep() == warmup) {
                start = System.nanoTime();
                syncStart = syncNanos();
            } else if (t.globalStep() > warmup) {
                end = System.nanoTime();
                syncEnd = syncNanos();
                steps = t.globalStep() - warmup;
            }
        }

        double msPerStep() {
            return (end - start) / 1e6 / steps;
        }

        double syncMsPerStep() {
            return (syncEnd - syncStart) / 1e6 / steps;
        }
    }

    /** One side: {@code single} (batch 128, one process) or {@code ddp} (2 ranks of batch 64); no argument: both. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            compare();
            return;
        }
        boolean ddp = args[0].equals("ddp");
        int steps = Integer.getInteger("ddp.step.steps", 160);
        int warmup = Integer.getInteger("ddp.step.warmup", 40);
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(ddp ? 64 : 128).build();
        data.prepareData();
        DdpStrategy strategy = ddp ? new DdpStrategy(Duration.ofMinutes(5), 25L << 20, System.getenv(), System.out)
                : null;
        Clock clock = new Clock(warmup, strategy);
        Path root = Files.createTempDirectory("fulmen-ddp-step-root");
        TrainerBuilder b = Trainer.builder().defaultRootDir(root).maxSteps(steps).seed(1).logger(false)
                .enableCheckpointing(false).enableProgressBar(false).enableModelSummary(false).limitValBatches(0)
                .numSanityValSteps(0).callbacks(clock);
        if (ddp) {
            b.strategy(strategy).devices(2);
        }
        try (LitClassifier model = new LitClassifier(128, 1e-3f); Trainer trainer = b.build()) {
            trainer.fit(model, data);
            if (trainer.view().globalRank() == 0) {
                System.out.printf(Locale.ROOT, "RESULT %.3f %.3f%n", clock.msPerStep(), clock.syncMsPerStep());
            }
        }
    }
}
