package io.fulmen.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Trainer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code benchmarks/run core}: what {@code Trainer.fit} costs per training step over a hand-written DJL loop doing
 * the same work, on Lightning's Fashion-MNIST MLP (784-128-10, Adam lr 1e-3, batch 64, the 55k training split).
 *
 * <p>Both sides draw the same batches (same {@link TensorDataset}, same {@link DataLoader}, same shuffle seed per
 * round, prefetch 0 so that no loader thread competes with libtorch's threads for the cores), run the same network
 * with the same loss and Adam kernel, and close every batch's arrays after its step. The fit side is Lightning's
 * lean configuration: no logger, no checkpointing, no progress bar, no model summary, no validation. Its clock runs
 * inside the Trainer ({@link StepClock}), so the fixed cost of a {@code fit} call is reported apart.
 *
 * <p>After one warm-up epoch per side, {@code rounds} rounds each measure fit and the hand-written loop, in
 * alternating order; the result is the median of the per-round ratios. Fit with Fulmen's defaults (CSV logger,
 * progress bar drawn to a null stream as on a terminal, model summary) is measured in every round for information.
 *
 * <p>System properties: {@code core.rounds} (5), {@code core.steps} (-1: a whole epoch per measurement),
 * {@code core.prefetch} (0), {@code core.defaults} (true: also measure Fulmen's defaults).
 */
public final class CoreBenchmark {
    private static final int HIDDEN = 128;
    private static final float LR = 1e-3f;
    private static final int BATCH = 64;
    private static final long BASE_SEED = 42;
    private static final PrintStream NULL_OUT = new PrintStream(OutputStream.nullOutputStream());

    private final int rounds = Integer.getInteger("core.rounds", 5);
    private final long steps = Long.getLong("core.steps", -1L);
    private final int prefetch = Integer.getInteger("core.prefetch", 0);
    private final boolean measureDefaults = Boolean.parseBoolean(System.getProperty("core.defaults", "true"));
    private final Path root;

    private CoreBenchmark(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        Path root = Files.createTempDirectory("fulmen-bench-core");
        double ratio;
        try {
            ratio = new CoreBenchmark(root).run();
        } finally {
            deleteTree(root);
        }
        System.out.printf(Locale.ROOT, "core: fit/handwritten = %.3f%n", ratio);
    }

    /** A fit measurement: the steps timed inside the Trainer, and the whole {@code fit} call. */
    private record FitRun(long nanos, long steps, long wallNanos) {
        double msPerStep() {
            return nanos / 1e6 / steps;
        }

        double fixedMs() {
            return (wallNanos - nanos) / 1e6;
        }
    }

    private double run() {
        FashionMnistDataModule dm = FashionMnistDataModule.builder().batchSize(BATCH).build();
        FashionMnistDataModule.Source source = dm.source();
        TensorDataset train = dm.trainDataset();
        TensorDataset test = dm.testDataset();
        DataLoader trainLoader = DataLoader.of(train).batchSize(BATCH).shuffle(true).prefetch(prefetch).build();
        DataLoader testLoader = DataLoader.of(test).batchSize(256).prefetch(0).build();

        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("core: Fashion-MNIST MLP 784-" + HIDDEN + "-10, Adam lr " + LR + ", batch " + BATCH);
        System.out.println("data: " + source.describe());
        if (source.kind() == FashionMnistDataModule.SourceKind.SHIPPED_SUBSET) {
            System.out.println("data: WARNING only the shipped subset is available; numbers are not comparable"
                    + " with the 55k-image anchors");
        }
        System.out.printf(Locale.ROOT, "setup: %d train images (%d batches/epoch), %d test images; %s %s, libtorch "
                        + "intra-op threads %d, %d cores, Java %s; prefetch %d; %s per measurement; %d rounds%n",
                train.size(), trainLoader.numBatches(), test.size(), engine.getEngineName(), engine.getVersion(),
                JniUtils.getNumThreads(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), prefetch,
                steps < 0 ? "one whole epoch" : steps + " steps", rounds);

        LitClassifier fitModel = new LitClassifier(HIDDEN, LR);
        try (HandwrittenLoop hand = new HandwrittenLoop(HIDDEN, LR, BATCH, (int) BASE_SEED)) {
            // Warm-up: one whole epoch each (JIT, libtorch's allocator and thread pool), which also checks learning.
            FitRun warmFit = fit(fitModel, trainLoader, BASE_SEED, false, -1);
            HandwrittenLoop.Epoch warmHand = hand.trainEpoch(trainLoader, shuffleSeed(BASE_SEED), -1);
            System.out.printf(Locale.ROOT, "warm-up epoch: fit %.3f ms/step (%d steps), handwritten %.3f ms/step "
                    + "(%d steps, mean train loss %.4f)%n", warmFit.msPerStep(), warmFit.steps(),
                    warmHand.msPerStep(), warmHand.steps(), warmHand.meanLoss());
            System.out.printf(Locale.ROOT, "test accuracy after 1 epoch: fit %.4f, handwritten %.4f "
                    + "(Lightning anchor 0.839)%n", fitAccuracy(fitModel, testLoader), hand.accuracy(testLoader));
            if (measureDefaults) {
                FitRun warmDefaults = fit(fitModel, trainLoader, BASE_SEED, true, -1);
                System.out.printf(Locale.ROOT, "warm-up epoch: fit with defaults %.3f ms/step%n",
                        warmDefaults.msPerStep());
            }

            List<Double> ratios = new ArrayList<>();
            List<Double> fitMs = new ArrayList<>();
            List<Double> handMs = new ArrayList<>();
            List<Double> defaultsMs = new ArrayList<>();
            List<Double> fixedMs = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                long seed = BASE_SEED + r;
                FitRun f;
                HandwrittenLoop.Epoch h;
                if (r % 2 == 1) {
                    f = fit(fitModel, trainLoader, seed, false, steps);
                    h = hand.trainEpoch(trainLoader, shuffleSeed(seed), steps);
                } else {
                    h = hand.trainEpoch(trainLoader, shuffleSeed(seed), steps);
                    f = fit(fitModel, trainLoader, seed, false, steps);
                }
                if (f.steps() != h.steps()) {
                    throw new IllegalStateException("fit ran " + f.steps() + " steps, the hand-written loop "
                            + h.steps());
                }
                double ratio = f.msPerStep() / h.msPerStep();
                ratios.add(ratio);
                fitMs.add(f.msPerStep());
                handMs.add(h.msPerStep());
                fixedMs.add(f.fixedMs());
                String line = String.format(Locale.ROOT, "round %d/%d (%s first, %d steps): fit %.3f ms/step, "
                                + "handwritten %.3f ms/step, ratio %.3f", r, rounds, r % 2 == 1 ? "fit" : "hand",
                        f.steps(), f.msPerStep(), h.msPerStep(), ratio);
                if (measureDefaults) {
                    FitRun d = fit(fitModel, trainLoader, seed, true, steps);
                    defaultsMs.add(d.msPerStep());
                    line += String.format(Locale.ROOT, "; fit with defaults %.3f ms/step", d.msPerStep());
                }
                System.out.println(line);
            }

            System.out.printf(Locale.ROOT, "median ms/step: fit %.3f, handwritten %.3f%s; fit overhead %.3f "
                            + "ms/step%n", median(fitMs), median(handMs),
                    measureDefaults ? String.format(Locale.ROOT, ", fit with defaults %.3f", median(defaultsMs))
                            : "", median(fitMs) - median(handMs));
            System.out.printf(Locale.ROOT, "fit call fixed cost outside the epoch (Trainer build, setup, "
                    + "teardown): median %.1f ms%n", median(fixedMs));
            System.out.printf(Locale.ROOT, "test accuracy at the end: fit %.4f, handwritten %.4f%n",
                    fitAccuracy(fitModel, testLoader), hand.accuracy(testLoader));
            System.out.println("per-round ratios: " + ratios.stream()
                    .map(x -> String.format(Locale.ROOT, "%.3f", x)).toList());
            return median(ratios);
        } finally {
            fitModel.close();
        }
    }

    /** One fit of at most {@code limit} batches (-1: a whole epoch), lean or with Fulmen's defaults. */
    private FitRun fit(LitClassifier model, DataLoader train, long seed, boolean defaults, long limit) {
        StepClock clock = new StepClock();
        Trainer.Builder b = Trainer.builder().defaultRootDir(root).seed(seed).maxEpochs(1).callbacks(clock);
        if (limit > 0) {
            b.limitTrainBatches(Math.toIntExact(limit));
        }
        if (defaults) {
            b.output(NULL_OUT, true);
        } else {
            b.logger(false).enableCheckpointing(false).enableProgressBar(false).enableModelSummary(false)
                    .numSanityValSteps(0).limitValBatches(0);
        }
        long start = System.nanoTime();
        try (Trainer trainer = b.build()) {
            trainer.fit(model, train);
        }
        return new FitRun(clock.nanos(), clock.steps(), System.nanoTime() - start);
    }

    private double fitAccuracy(LitClassifier model, DataLoader test) {
        try (Trainer trainer = Trainer.builder().defaultRootDir(root).logger(false).enableCheckpointing(false)
                .enableProgressBar(false).enableModelSummary(false).build()) {
            return trainer.test(model, test).get(0).get("test_acc");
        }
    }

    /** The shuffle seed {@code Trainer.fit} derives for epoch 0 from the Trainer's seed (FitLoop.shuffleSeed). */
    static long shuffleSeed(long trainerSeed) {
        long z = trainerSeed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
