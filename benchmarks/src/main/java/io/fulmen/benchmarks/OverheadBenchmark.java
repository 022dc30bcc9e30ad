package io.fulmen.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import static io.fulmen.data.Batches.data;
import static io.fulmen.data.Batches.labels;

/**
 * {@code benchmarks/run overhead}: the fixed cost Fulmen adds to a training step, measured where nothing hides it: a
 * model that does almost no work (one {@code Linear(2)} on 4 features, batch 1, Adam), against a hand-written DJL
 * loop doing the same steps (forward and loss in a GradientCollector, backward, one fused Adam update per parameter,
 * the loss read back). Fit runs twice: lean (no logger, progress bar, checkpointing or summary) and with Fulmen's
 * defaults (progress bar drawn to a null stream, the CSV logger and the module logging every step, ModelCheckpoint).
 *
 * <p>Each round times one epoch of {@code overhead.steps} steps of each of the three, in rotating order; per side it
 * reports the median over rounds of the per-round median and p99 step time, and the Java heap bytes the training
 * thread allocated per step ({@code ThreadMXBean.getThreadAllocatedBytes}). The last line is the median extra time
 * per step of fit with defaults over the hand-written loop. System properties: {@code overhead.rounds} (15),
 * {@code overhead.steps} (2000), {@code overhead.without} (parts left out of the defaults side: {@code bar},
 * {@code csv}, {@code checkpoint}, comma-separated; none by default), {@code overhead.fused} (true; false puts the
 * fit's Adam on DJL's per-tensor kernel, as the hand-written loop, which isolates the framework's own cost).
 */
public final class OverheadBenchmark {
    private static final int FEATURES = 4;
    private static final float LR = 1e-3f;
    /** Whether the fit's Adam runs on Fulmen's fused kernel (false: DJL's per-tensor kernel, as the hand-written loop). */
    private static final boolean FUSED = Boolean.parseBoolean(System.getProperty("overhead.fused", "true"));
    private static final PrintStream NULL_OUT = new PrintStream(OutputStream.nullOutputStream());

    private final int rounds = Integer.getInteger("overhead.rounds", 15);
    private final int steps = Integer.getInteger("overhead.steps", 2000);
    /** Parts left out of "fit defaults" to find what costs: any of bar, csv, checkpoint (comma-separated). */
    private final List<String> without = List.of(System.getProperty("overhead.without", "").split(","));
    private final TensorDataset dataset = tinyDataset(steps);
    private final Path root;

    private OverheadBenchmark(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        Path root = Files.createTempDirectory("fulmen-bench-overhead");
        new OverheadBenchmark(root).run();
    }

    private static TensorDataset tinyDataset(int n) {
        float[] x = new float[n * FEATURES];
        long[] y = new long[n];
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = (float) random.nextGaussian();
            }
            y[i] = x[i * FEATURES] > 0 ? 1 : 0;
        }
        return TensorDataset.builder().data(x, new Shape(FEATURES)).labels(y).build();
    }

    private DataLoader loader() {
        return DataLoader.of(dataset).batchSize(1).prefetch(0).build();
    }

    /** One side's figures for one round: median and p99 step in microseconds, heap bytes per step. */
    record Round(double medianUs, double p99Us, double maxUs, double bytesPerStep) {}

    private void run() {
        List<Side> sides = List.of(new Side("handwritten", this::handwritten),
                new Side("fit lean", () -> fit(lean())), new Side("fit defaults", () -> fit(defaults())));
        for (Side s : sides) {
            s.run.get(); // warm-up: JIT, the engine, the first allocations
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < sides.size(); i++) {
                Side s = sides.get((i + r) % sides.size());
                s.rounds.add(s.run.get());
            }
        }
        Side hand = sides.get(0);
        for (Side s : sides) {
            System.out.printf(Locale.ROOT, "%-13s median %7.1f us  p99 %7.1f us  max %8.1f us  heap %7.0f B/step%n",
                    s.name, s.median(Round::medianUs), s.median(Round::p99Us), s.median(Round::maxUs),
                    s.median(Round::bytesPerStep));
        }
        Side lean = sides.get(1);
        Side defaults = sides.get(2);
        System.out.printf(Locale.ROOT, "p99 ratio fit defaults / handwritten = %.2f; fit lean - handwritten = %.1f us%n",
                defaults.median(Round::p99Us) / hand.median(Round::p99Us),
                lean.median(Round::medianUs) - hand.median(Round::medianUs));
        System.out.printf(Locale.ROOT, "overhead: fit - handwritten = %.1f us%n",
                defaults.median(Round::medianUs) - hand.median(Round::medianUs));
    }

    private static final class Side {
        final String name;
        final Supplier<Round> run;
        final List<Round> rounds = new ArrayList<>();

        Side(String name, Supplier<Round> run) {
            this.name = name;
            this.run = run;
        }

        double median(java.util.function.ToDoubleFunction<Round> figure) {
            List<Double> values = new ArrayList<>();
            rounds.forEach(r -> values.add(figure.applyAsDouble(r)));
            Collections.sort(values);
            return values.get(values.size() / 2);
        }
    }

    // ---------------------------------------------------------------- the two sides

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private TrainerBuilder lean() {
        return Trainer.builder().defaultRootDir(root).maxEpochs(1).enableProgressBar(false).logger(false)
                .enableCheckpointing(false).enableModelSummary(false).numSanityValSteps(0).seed(1);
    }

    private TrainerBuilder defaults() {
        TrainerBuilder b = Trainer.builder().defaultRootDir(root).maxEpochs(1).output(NULL_OUT, true)
                .numSanityValSteps(0).seed(1).logEveryNSteps(1);
        b.enableProgressBar(!without.contains("bar")).enableCheckpointing(!without.contains("checkpoint"));
        return without.contains("csv") ? b.logger(false) : b.logger("csv");
    }

    private Round fit(TrainerBuilder builder) {
        StepClock clock = new StepClock();
        long before;
        try (TinyModule module = new TinyModule(); Trainer trainer = builder.callbacks(clock).build()) {
            before = allocated();
            trainer.fit(module, loader());
            long bytes = allocated() - before;
            return summarize(clock.times(), bytes);
        }
    }

    private Round handwritten() {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Block block = Linear.builder().setUnits(2).build();
            engine.setRandomSeed(1);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, FEATURES));
            ParameterStore store = new ParameterStore(manager, false);
            Optimizer optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed(LR)).build();
            List<Pair<String, NDArray>> parameters = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                parameters.add(new Pair<>(p.getValue().getId(), p.getValue().getArray()));
            }
            StepTimes times = new StepTimes();
            long before = allocated();
            times.start();
            double lossSum = 0;
            try (BatchStream stream = loader().open(manager, 1, 0, -1)) {
                while (stream.hasNext()) {
                    try (Batch batch = stream.next()) {
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            NDArray logits = block.forward(store, batch.getData(), true).head();
                            NDArray loss = HandwrittenLoop.crossEntropy(logits, batch.getLabels().head());
                            lossSum += loss.getFloat();
                            collector.backward(loss);
                        }
                        for (Pair<String, NDArray> p : parameters) {
                            try (NDArray grad = p.getValue().getGradient()) {
                                optimizer.update(p.getKey(), p.getValue(), grad);
                            }
                        }
                    }
                    times.lap();
                }
            }
            long bytes = allocated() - before;
            if (Double.isNaN(lossSum)) {
                throw new IllegalStateException("the hand-written loop diverged");
            }
            return summarize(times, bytes);
        }
    }

    private static Round summarize(StepTimes times, long bytes) {
        return new Round(times.percentileMs(0.5) * 1e3, times.percentileMs(0.99) * 1e3, times.percentileMs(1.0) * 1e3,
                (double) bytes / times.steps());
    }

    /** The module side: the same Linear, loss and optimizer; logs the loss every step as Lightning users do. */
    static final class TinyModule extends LightningModule {
        private final Block net = Linear.builder().setUnits(2).build();

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = HandwrittenLoop.crossEntropy(forward(data(batch)), labels(batch));
            log("train_loss", loss, LogOptions.progBar());
            return loss;
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Adam.builder().lr(LR).fused(FUSED).build());
        }
    }
}
