package io.fulmen.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.fulmen.LightningModule;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;

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
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * {@code benchmarks/run core}: what {@code Trainer.fit} costs per training step over a hand-written DJL loop doing
 * the same work, on two models for Fashion-MNIST (Adam lr 1e-3, batch 64, the 55k training split): Lightning's MLP
 * (784-128-10), where a step is short and Fulmen's fixed cost per step shows most, and a small CNN
 * ({@link SmallCnn}), where convolution kernels take most of a step several times as long. The result,
 * {@code core: fit/handwritten = R}, is the larger of the two models' median ratios; the lines before it give each
 * model's.
 *
 * <p>Both sides draw the same batches (same {@link TensorDataset}, same {@link DataLoader}, the same shuffle seed in
 * each round, prefetch 0 so that no loader thread competes with libtorch's threads for the cores), start from the same
 * initial weights (the first step's loss is printed for both), run the same network with the same loss, read the
 * loss back every step (the module logs it), and close every batch's arrays after its step. The fit side is
 * Lightning's lean configuration: no logger, no checkpointing, no progress bar, no model summary, no sanity check, no
 * validation. Its clock runs inside the Trainer ({@link StepClock}); the fixed cost of a {@code fit} call (building
 * the Trainer, setup and teardown hooks) is reported apart.
 *
 * <p>For each model, after one warm-up epoch per side (which also checks that both learn alike: test accuracy is
 * printed for both), each round times the model's steps of fit and the same steps of the hand-written loop, back to
 * back, alternating which goes first; the result is the median of the per-round ratios of mean step time. Small
 * shared machines drift in speed by tens of percent over seconds, so many short pairs measure far more steadily
 * than a few long ones: each pair sees the same machine. A round during which other processes took more than
 * {@code core.quietCores} of CPU ({@link CpuMonitor}) is printed but not counted; rounds go on until
 * the model's number of quiet ones are in (at most four times as many, none started after {@code core.maxSeconds} of
 * the model's rounds). Each model's summary gives the step-time distribution of each side over the counted steps,
 * the garbage collections during the timed steps, and the fit call's fixed cost. Fit with Fulmen's defaults (CSV
 * logger, progress bar drawn to a null stream as on a terminal, model summary) is timed in every round too, for
 * information.
 *
 * <p>System properties: {@code core.models} (mlp,cnn), {@code core.rounds} (MLP quiet rounds, 91), {@code core.steps}
 * (MLP steps per measurement, 100; -1 for whole epochs), {@code core.cnnRounds} (61), {@code core.cnnSteps} (20),
 * {@code core.warmupSteps} (-1: a whole epoch; fewer for a quick look, which makes the accuracies meaningless),
 * {@code core.prefetch} (0), {@code core.defaults} (true), {@code core.quietCores} (0.15), {@code core.maxSeconds}
 * (240, per model), {@code core.profiler} (none; {@code simple} times the fit sides with the simple profiler on),
 * {@code core.fused} (true: the fit's Adam on Fulmen's fused kernel, as users get it; false: on DJL's per-tensor
 * kernel like the hand-written loop, which isolates the framework's own cost).
 */
public final class CoreBenchmark {
    private static final int BATCH = 64;
    private static final long BASE_SEED = 42;
    private static final PrintStream NULL_OUT = new PrintStream(OutputStream.nullOutputStream());

    private final List<CoreModel> models = CoreModel.parse(System.getProperty("core.models", "mlp,cnn"),
            Integer.getInteger("core.rounds", 91), Long.getLong("core.steps", 100L),
            Integer.getInteger("core.cnnRounds", 61), Long.getLong("core.cnnSteps", 20L));
    private final long warmupSteps = Long.getLong("core.warmupSteps", -1L);
    private final int prefetch = Integer.getInteger("core.prefetch", 0);
    private final boolean measureDefaults = Boolean.parseBoolean(System.getProperty("core.defaults", "true"));
    private final double quietCores = Double.parseDouble(System.getProperty("core.quietCores", "0.15"));
    private final long maxSeconds = Long.getLong("core.maxSeconds", 240L);
    private final String profiler = System.getProperty("core.profiler");
    private final boolean fused = Boolean.parseBoolean(System.getProperty("core.fused", "true"));
    private final Path root;

    private CoreBenchmark(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        long start = System.nanoTime();
        Path root = Files.createTempDirectory("fulmen-bench-core");
        List<ModelResult> results;
        try {
            results = new CoreBenchmark(root).run();
        } finally {
            deleteTree(root);
        }
        System.out.printf(Locale.ROOT, "run time %.0f s%n", (System.nanoTime() - start) / 1e9);
        double worst = 0;
        for (ModelResult r : results) {
            System.out.printf(Locale.ROOT, "core: %s fit/handwritten = %.3f%n", r.model(), r.ratio());
            worst = Math.max(worst, r.ratio());
        }
        System.out.printf(Locale.ROOT, "core: fit/handwritten = %.3f%n", worst);
    }

    /** A model's result: the median of its per-round ratios. */
    private record ModelResult(String model, double ratio) {}

    /** A fit measurement: the steps timed inside the Trainer, and the whole {@code fit} call. */
    private record FitRun(StepTimes times, long wallNanos, long firstBatch, float firstLoss) {
        double fixedMs() {
            return wallNanos / 1e6 - times.meanMs() * times.steps();
        }
    }

    /** A measurement and the CPU other processes took while it ran. */
    private record Measured<T>(T value, double otherCores) {}

    /** One round's numbers; {@code otherCores} is the larger of what other processes took during fit and hand. */
    private record Round(StepTimes fit, StepTimes hand, StepTimes defaults, double fitFixedMs, double otherCores,
                         double defaultsOtherCores) {
        double ratio() {
            return fit.meanMs() / hand.meanMs();
        }

        double medianStepRatio() {
            return fit.medianMs() / hand.medianMs();
        }

        /** The ratio without each side's first step, which holds what a fit call costs once inside the clock. */
        double ratioAfterFirst() {
            return fit.meanMsAfterFirst() / hand.meanMsAfterFirst();
        }
    }

    /** The data both sides of every model train and test on. */
    private record Data(DataLoader train, DataLoader test) {}

    private List<ModelResult> run() {
        FashionMnistDataModule dm = FashionMnistDataModule.builder().batchSize(BATCH).build();
        FashionMnistDataModule.Source source = dm.source();
        TensorDataset train = dm.trainDataset();
        TensorDataset test = dm.testDataset();
        Data data = new Data(DataLoader.of(train).batchSize(BATCH).shuffle(true).prefetch(prefetch).build(),
                DataLoader.of(test).batchSize(256).prefetch(0).build());

        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("data: " + source.describe());
        if (source.kind() == FashionMnistDataModule.SourceKind.SHIPPED_SUBSET) {
            System.out.println("data: WARNING only the subset shipped with Fulmen is available, not the 55k-image"
                    + " train split; ms/step still compares, accuracies do not");
        }
        System.out.printf(Locale.ROOT, "setup: %d train images (%d batches/epoch of %d), %d test images; %s %s, "
                        + "libtorch intra-op threads %d, %d cores, Java %s; prefetch %d; profiler %s; fit's Adam on %s%n",
                train.size(), data.train().numBatches(), BATCH, test.size(), engine.getEngineName(),
                engine.getVersion(), JniUtils.getNumThreads(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), prefetch, profiler == null ? "none" : profiler,
                fused ? "Fulmen's fused kernel" : "DJL's per-tensor kernel (as the hand-written loop)");
        List<ModelResult> results = new ArrayList<>();
        for (CoreModel model : models) {
            results.add(new ModelResult(model.name(), measure(model, data)));
        }
        return results;
    }

    /** Warm-up, rounds and summary of one model; returns its median ratio. */
    private double measure(CoreModel model, Data data) {
        long steps = model.steps();
        int rounds = model.rounds();
        System.out.printf(Locale.ROOT, "%n== core %s: %s, Adam lr %s, batch %d; %s per measurement, %d quiet "
                + "rounds%n", model.name(), model.description(), CoreModel.LR, BATCH,
                steps < 0 ? "a whole epoch" : steps + " steps", rounds);
        LightningModule fitModel = model.fitModule().get();
        try (HandwrittenLoop hand = new HandwrittenLoop(model.network(), CoreModel.LR, BATCH,
                initSeed(BASE_SEED))) {
            // Warm-up: one whole epoch each (JIT, libtorch's allocator and thread pool), which also checks learning.
            FitRun warmFit = fit(fitModel, data.train(), BASE_SEED, false, warmupSteps);
            HandwrittenLoop.Epoch warmHand = hand.trainEpoch(data.train(), shuffleSeed(BASE_SEED), warmupSteps);
            System.out.printf(Locale.ROOT, "warm-up: fit %.3f ms/step (%d steps), handwritten %.3f ms/step "
                    + "(%d steps, mean train loss %.4f); first step's loss: fit %.6f, handwritten %.6f%n",
                    warmFit.times().meanMs(), warmFit.times().steps(), warmHand.times().meanMs(),
                    warmHand.times().steps(), warmHand.meanLoss(), warmFit.firstLoss(), warmHand.firstLoss());
            System.out.printf(Locale.ROOT, "test accuracy after the warm-up: fit %.4f, handwritten %.4f%s%n",
                    fitAccuracy(fitModel, data.test()), hand.accuracy(data.test()),
                    model.anchor() == null ? "" : " (Lightning anchor: " + model.anchor() + ")");
            if (measureDefaults) {
                long defaultsWarmup = warmupSteps < 0 ? model.defaultsWarmup() : warmupSteps;
                FitRun warmDefaults = fit(fitModel, data.train(), BASE_SEED, true, defaultsWarmup);
                System.out.printf(Locale.ROOT, "warm-up: fit with defaults %.3f ms/step (%d steps)%n",
                        warmDefaults.times().meanMs(), warmDefaults.times().steps());
            }

            List<Round> all = new ArrayList<>();
            List<Round> quiet = new ArrayList<>();
            long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
            for (int r = 1; quiet.size() < rounds && r <= 4 * rounds && System.nanoTime() < deadline; r++) {
                Round round = round(r, steps, fitModel, hand, data.train());
                all.add(round);
                boolean isQuiet = round.otherCores() <= quietCores;
                if (isQuiet) {
                    quiet.add(round);
                }
                System.out.println(describe(r, round) + String.format(Locale.ROOT, "; others %.2f cores%s",
                        round.otherCores(), isQuiet ? "" : ", not counted"));
            }
            return summarize(model, all, quiet, fitModel, hand, data.test());
        } finally {
            fitModel.close();
        }
    }

    /** Fit and hand-written over the same batches, back to back, then fit with defaults. */
    private Round round(int r, long steps, LightningModule fitModel, HandwrittenLoop hand, DataLoader train) {
        long seed = BASE_SEED + r;
        Measured<FitRun> f;
        Measured<HandwrittenLoop.Epoch> h;
        if (r % 2 == 1) {
            f = measured(() -> fit(fitModel, train, seed, false, steps));
            h = measured(() -> hand.trainEpoch(train, shuffleSeed(seed), steps));
        } else {
            h = measured(() -> hand.trainEpoch(train, shuffleSeed(seed), steps));
            f = measured(() -> fit(fitModel, train, seed, false, steps));
        }
        if (f.value().times().steps() != h.value().times().steps()) {
            throw new IllegalStateException("fit ran " + f.value().times().steps() + " steps, the hand-written loop "
                    + h.value().times().steps());
        }
        if (f.value().firstBatch() != h.value().firstBatch()) {
            throw new IllegalStateException("fit and the hand-written loop drew different batches: the copy of "
                    + "FitLoop's shuffle seed in CoreBenchmark.shuffleSeed is out of date");
        }
        Measured<FitRun> d = measureDefaults ? measured(() -> fit(fitModel, train, seed, true, steps)) : null;
        return new Round(f.value().times(), h.value().times(), d == null ? null : d.value().times(),
                f.value().fixedMs(), Math.max(f.otherCores(), h.otherCores()), d == null ? 0 : d.otherCores());
    }

    private static String describe(int r, Round round) {
        String line = String.format(Locale.ROOT, "round %d (%s first, %d steps): fit %.3f ms/step, handwritten %.3f "
                        + "ms/step, ratio %.3f (median step %.3f vs %.3f ms)", r, r % 2 == 1 ? "fit" : "hand",
                round.fit().steps(), round.fit().meanMs(), round.hand().meanMs(), round.ratio(),
                round.fit().medianMs(), round.hand().medianMs());
        if (round.defaults() != null) {
            line += String.format(Locale.ROOT, "; fit with defaults %.3f ms/step", round.defaults().meanMs());
        }
        return line;
    }

    private double summarize(CoreModel model, List<Round> all, List<Round> quiet, LightningModule fitModel,
                             HandwrittenLoop hand, DataLoader testLoader) {
        int rounds = model.rounds();
        List<Round> counted = quiet;
        if (quiet.size() < Math.min(3, rounds)) {
            counted = all;
            System.out.println("WARNING: only " + quiet.size() + " quiet rounds of " + all.size() + " (other processes"
                    + " kept the CPU busy): the result counts every round and is unreliable");
        } else if (quiet.size() < rounds) {
            System.out.println("WARNING: only " + quiet.size() + " quiet rounds of the " + rounds + " asked for");
        }
        double[] ratios = values(counted, Round::ratio);
        double fitMs = median(values(counted, x -> x.fit().meanMs()));
        double handMs = median(values(counted, x -> x.hand().meanMs()));
        double[] ci = medianInterval(ratios);
        System.out.printf(Locale.ROOT, "%s summary: counted %d rounds of %d. median ms/step: fit %.3f, handwritten "
                + "%.3f (difference %.3f ms/step)%n", model.name(), counted.size(), all.size(), fitMs, handMs,
                fitMs - handMs);
        System.out.printf(Locale.ROOT, "ratio fit/handwritten: median %.3f, 95%% interval of the median %.3f..%.3f; "
                        + "median of per-round median-step ratios %.3f%n", median(ratios), ci[0], ci[1],
                median(values(counted, Round::medianStepRatio)));
        StepTimes fitSteps = concat(counted, Round::fit);
        StepTimes handSteps = concat(counted, Round::hand);
        System.out.printf(Locale.ROOT, "step times over the %d counted steps per side: fit %s; handwritten %s%n",
                fitSteps.steps(), fitSteps.distribution(), handSteps.distribution());
        System.out.printf(Locale.ROOT, "first step of a measurement (stream opening, and in fit a fresh optimizer): "
                + "median fit %.3f ms, handwritten %.3f ms; median ratio without the first steps %.3f%n",
                median(values(counted, x -> x.fit().firstMs())), median(values(counted, x -> x.hand().firstMs())),
                median(values(counted, Round::ratioAfterFirst)));
        System.out.printf(Locale.ROOT, "GC during the counted timed steps: fit %d collections, %d ms; handwritten %d "
                + "collections, %d ms. Heap allocated by the training thread: fit %.0f B/step, handwritten %.0f "
                + "B/step%n", fitSteps.gc().collections(), fitSteps.gc().millis(), handSteps.gc().collections(),
                handSteps.gc().millis(), fitSteps.allocatedBytesPerStep(), handSteps.allocatedBytesPerStep());
        if (measureDefaults) {
            List<Round> quietDefaults = all.stream().filter(x -> x.defaultsOtherCores() <= quietCores).toList();
            boolean disturbed = quietDefaults.isEmpty();
            List<Round> used = disturbed ? all : quietDefaults;
            double defaultsMs = median(values(used, x -> x.defaults().meanMs()));
            StepTimes defaultSteps = concat(used, Round::defaults);
            System.out.printf(Locale.ROOT, "fit with Fulmen's defaults (CSV logger, progress bar, model summary), "
                    + "for information: median %.3f ms/step over %d%s measurements, %.3f x handwritten; steps %s; "
                    + "GC %d collections, %d ms%n", defaultsMs, used.size(), disturbed ? " disturbed" : "",
                    defaultsMs / handMs, defaultSteps.distribution(), defaultSteps.gc().collections(),
                    defaultSteps.gc().millis());
        }
        System.out.printf(Locale.ROOT, "fit call fixed cost outside the timed steps (Trainer build, setup, "
                + "teardown): median %.1f ms%n", median(values(counted, Round::fitFixedMs)));
        System.out.printf(Locale.ROOT, "test accuracy at the end: fit %.4f, handwritten %.4f%n",
                fitAccuracy(fitModel, testLoader), hand.accuracy(testLoader));
        return median(ratios);
    }

    private static StepTimes concat(List<Round> rounds, Function<Round, StepTimes> side) {
        return StepTimes.concat(rounds.stream().map(side).toList());
    }

    private static <T> Measured<T> measured(Supplier<T> body) {
        CpuMonitor monitor = CpuMonitor.start();
        T value = body.get();
        return new Measured<>(value, monitor.otherCores());
    }

    /** One fit of at most {@code limit} batches (-1: a whole epoch), lean or with Fulmen's defaults. */
    private FitRun fit(LightningModule model, DataLoader train, long seed, boolean defaults, long limit) {
        StepClock clock = new StepClock();
        TrainerBuilder b = Trainer.builder().defaultRootDir(root).seed(seed).maxEpochs(1).callbacks(clock)
                .profiler(profiler);
        if (limit > 0) {
            b.limitTrainBatches(Math.toIntExact(limit));
        }
        if (!fused) {
            // The modules' own Adam (same lr) on DJL's per-tensor kernel, the one the hand-written loop calls.
            b.configureOptimizers(() -> OptimizerConfig.of(Adam.builder().lr(CoreModel.LR).fused(false).build()));
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
        return new FitRun(clock.times(), System.nanoTime() - start, clock.firstBatch(), clock.firstLoss());
    }

    private double fitAccuracy(LightningModule model, DataLoader test) {
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

    /**
     * The engine seed {@code Trainer.fit} initialises a module's first block with, from the Trainer's seed (a copy of
     * ModuleBridge.initialize's): the hand-written loop initialises with it, so both sides start from the same
     * weights, which the first step's equal losses show.
     */
    static int initSeed(long trainerSeed) {
        long mixed = trainerSeed * 1_000_003L;
        return (int) (mixed ^ (mixed >>> 32));
    }

    private static double[] values(List<Round> rounds, ToDoubleFunction<Round> f) {
        return rounds.stream().mapToDouble(f).toArray();
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
    /**
     * A distribution-free 95% confidence interval of the median: the order statistics {@code k} and
     * {@code n + 1 - k} with k the largest such that {@code P(Binomial(n, 1/2) < k) <= 2.5%}.
     */
    static double[] medianInterval(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double cumulative = 0;
        double p = Math.pow(0.5, n);
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (cumulative + p > 0.025) {
                break;
            }
            cumulative += p;
            k = i + 1;
            p = p * (n - i) / (i + 1);
        }
        if (k == 0) {
            return new double[] {v[0], v[n - 1]};
        }
        return new double[] {v[k - 1], v[n - k]};
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
