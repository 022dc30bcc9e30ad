package io.fulmen.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.fulmen.GradientClipper.ClipAlgorithm;
import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.runtime.callbacks.ModelSummary;
import io.fulmen.runtime.callbacks.ProgressBar;
import io.fulmen.runtime.callbacks.Timer;
import io.fulmen.runtime.engine.Autograd;
import io.fulmen.runtime.loop.DataSources;
import io.fulmen.runtime.loop.FitLoop;
import io.fulmen.runtime.loop.Loops;
import io.fulmen.runtime.loop.RunContext;
import io.fulmen.runtime.loop.TrainerState;
import io.fulmen.runtime.loop.TrainingCancelledException;
import io.fulmen.runtime.plugin.BundlePolicy;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.DeviceSpec;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.LoggerContext;
import io.fulmen.spi.PluginOptions;
import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.RunStatus;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyContext;
import io.fulmen.spi.StrategyProvider;

import io.fulmen.runtime.checkpoint.Checkpoint;
import io.fulmen.runtime.checkpoint.CheckpointLocator;
import io.fulmen.runtime.checkpoint.CheckpointReader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Runs a {@link LightningModule}'s fit, validate, test and predict loops with everything around them: devices,
 * precision, strategy, callbacks, loggers (Lightning's {@code Trainer}). Built with {@link #builder()}, which takes
 * Lightning's arguments under their Java names and Lightning's defaults.
 *
 * <p>One call runs at a time per Trainer; separate Trainers are independent, also in separate threads.
 * {@link #requestStop()} and {@link #cancel()} may be called from any thread. {@link #close()} ends the loggers
 * and frees predictions.
 */
public final class Trainer implements TrainerView, AutoCloseable {
    private final TrainerSettings settings;
    private final Accelerator accelerator;
    private final List<Device> devices;
    private final Strategy strategy;
    private final Precision precision;
    private final List<Callback> callbacks;
    private final TrainerState state;
    private final PrintStream out;
    private final boolean printResults;
    private final AtomicBoolean running = new AtomicBoolean();
    private final NDManager results;
    private final PluginRegistry ownedPlugins;
    private boolean hyperparametersLogged;
    private volatile boolean closed;

    private Trainer(Builder b) {
        this.settings = b.settings();
        this.ownedPlugins = b.plugins == null ? PluginRegistry.discover(contextLoader(), b.pluginsFolder(),
                new BundlePolicy(b.allowedPlugins, b.allowWritablePluginsDir)) : null;
        PluginRegistry plugins = b.plugins != null ? b.plugins : ownedPlugins;
        this.accelerator = b.acceleratorInstance != null ? b.acceleratorInstance : resolveAccelerator(plugins, b);
        this.devices = accelerator.devices(b.devices);
        this.strategy = b.strategyInstance != null ? b.strategyInstance : resolveStrategy(plugins, b, devices.size());
        this.strategy.setup(new StrategyContext(accelerator, devices, b.numNodes));
        this.precision = b.precisionInstance != null ? b.precisionInstance : resolvePrecision(plugins, b);
        this.out = b.out;
        this.printResults = settings.enableProgressBar();
        List<ExperimentLogger> loggers = settings.fastDevRun() > 0 ? List.of() : resolveLoggers(plugins, b);
        this.state = new TrainerState(loggers, settings.defaultRootDir(), strategy);
        this.callbacks = defaultCallbacks(b);
        this.results = NDManager.newBaseManager(strategy.rootDevice(), settings.engine());
    }

    public static Builder builder() {
        return new Builder();
    }

    private static ClassLoader contextLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Trainer.class.getClassLoader();
    }

    // ------------------------------------------------------------------ entry points

    /** Trains {@code module} on the loaders its own {@code trainDataloader()}/{@code valDataloader()} return. */
    public void fit(LightningModule module) {
        runFit(module, null, null, null, null);
    }

    /** Trains {@code module} on the DataModule's train loader, validating on its val loader. */
    public void fit(LightningModule module, LightningDataModule dataModule) {
        runFit(module, dataModule, null, null, null);
    }

    /** Trains on {@code train}; validation uses the module's {@code valDataloader()} if any. */
    public void fit(LightningModule module, DataLoader train) {
        runFit(module, null, train, null, null);
    }

    public void fit(LightningModule module, DataLoader train, DataLoader val) {
        runFit(module, null, train, val, null);
    }

    /**
     * Resumes training from a checkpoint written by {@code saveCheckpoint} or {@code ModelCheckpoint}: a path, or
     * {@code "last"} / {@code "best"} of the Trainer's ModelCheckpoint callback (Lightning's {@code ckpt_path}).
     */
    public void fit(LightningModule module, LightningDataModule dataModule, String ckptPath) {
        runFit(module, dataModule, null, null, ckptPath);
    }

    public void fit(LightningModule module, DataLoader train, DataLoader val, String ckptPath) {
        runFit(module, null, train, val, ckptPath);
    }

    private void runFit(LightningModule module, LightningDataModule dm, DataLoader train, DataLoader val,
                        String ckptPath) {
        DataSources data = new DataSources(module, dm, train, val, null, null);
        Path file = ckptPath == null ? null : resolveCheckpoint(ckptPath);
        call(Stage.FIT, module, dm, run -> {
            Checkpoint checkpoint = file == null ? null : readCheckpoint(file, run);
            new FitLoop(run, data, checkpoint, file == null ? null : file.toString()).run();
            return null;
        });
    }

    private Path resolveCheckpoint(String ckptPath) {
        String key = ckptPath.trim().toLowerCase(Locale.ROOT);
        if (key.equals("last") || key.equals("best")) {
            for (Callback c : callbacks) {
                if (c instanceof CheckpointLocator locator) {
                    Path p = key.equals("last") ? locator.lastCheckpoint(state) : locator.bestCheckpoint(state);
                    if (p != null) {
                        return p;
                    }
                    throw new IllegalArgumentException("ckpt_path=\"" + key + "\": no " + key + " checkpoint "
                            + "was found by " + c.getClass().getSimpleName());
                }
            }
            throw new IllegalArgumentException("ckpt_path=\"" + key + "\" needs a ModelCheckpoint callback on the "
                    + "Trainer; pass the checkpoint's path instead");
        }
        Path p = Path.of(ckptPath);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("checkpoint " + p.toAbsolutePath() + " does not exist or is not a "
                    + "file");
        }
        return p;
    }

    private static Checkpoint readCheckpoint(Path file, RunContext run) {
        try {
            return CheckpointReader.read(file, run.manager());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Runs one validation epoch; returns the metrics logged, one map per loader (Lightning's list of dicts). */
    public List<Map<String, Double>> validate(LightningModule module, LightningDataModule dataModule) {
        return runValidate(module, dataModule, null, null);
    }

    /** Validates on the module's own {@code valDataloader()}. */
    public List<Map<String, Double>> validate(LightningModule module) {
        return runValidate(module, null, null, null);
    }

    public List<Map<String, Double>> validate(LightningModule module, DataLoader loader) {
        return runValidate(module, null, loader, null);
    }

    /** Validates with the weights of a checkpoint: a path, {@code "last"} or {@code "best"}. */
    public List<Map<String, Double>> validate(LightningModule module, LightningDataModule dataModule,
                                              String ckptPath) {
        return runValidate(module, dataModule, null, ckptPath);
    }

    private List<Map<String, Double>> runValidate(LightningModule module, LightningDataModule dm,
                                                  DataLoader loader, String ckptPath) {
        DataSources data = new DataSources(module, dm, null, loader, null, null);
        Path file = ckptPath == null ? null : resolveCheckpoint(ckptPath);
        Map<String, Double> metrics = call(Stage.VALIDATE, module, dm, run -> {
            loadWeights(run, file);
            return Loops.validate(run, data);
        });
        printResults("Validate", metrics);
        return List.of(metrics);
    }

    /** Runs one test epoch; returns the metrics logged, one map per loader. */
    public List<Map<String, Double>> test(LightningModule module, LightningDataModule dataModule) {
        return runTest(module, dataModule, null, null);
    }

    /** Tests on the module's own {@code testDataloader()}. */
    public List<Map<String, Double>> test(LightningModule module) {
        return runTest(module, null, null, null);
    }

    public List<Map<String, Double>> test(LightningModule module, DataLoader loader) {
        return runTest(module, null, loader, null);
    }

    /** Tests on {@code loader} with the weights of a checkpoint: a path, {@code "last"} or {@code "best"}. */
    public List<Map<String, Double>> test(LightningModule module, DataLoader loader, String ckptPath) {
        return runTest(module, null, loader, ckptPath);
    }

    /** Tests with the weights of a checkpoint: a path, {@code "last"} or {@code "best"} (Lightning's ckpt_path). */
    public List<Map<String, Double>> test(LightningModule module, LightningDataModule dataModule, String ckptPath) {
        return runTest(module, dataModule, null, ckptPath);
    }

    private List<Map<String, Double>> runTest(LightningModule module, LightningDataModule dm, DataLoader loader,
                                              String ckptPath) {
        DataSources data = new DataSources(module, dm, null, null, loader, null);
        Path file = ckptPath == null ? null : resolveCheckpoint(ckptPath);
        Map<String, Double> metrics = call(Stage.TEST, module, dm, run -> {
            loadWeights(run, file);
            return Loops.test(run, data);
        });
        printResults("Test", metrics);
        return List.of(metrics);
    }

    /**
     * Runs {@code predictStep} over every batch and returns the outputs in order. NDArray outputs stay valid until
     * this Trainer is closed.
     */
    public List<Object> predict(LightningModule module, DataLoader loader) {
        DataSources data = new DataSources(module, null, null, null, null, loader);
        return call(Stage.PREDICT, module, null, run -> Loops.predict(run, data, results));
    }

    /** Predicts over the module's own {@code predictDataloader()}. */
    public List<Object> predict(LightningModule module) {
        return predict(module, (DataLoader) null);
    }

    public List<Object> predict(LightningModule module, LightningDataModule dataModule) {
        return predict(module, dataModule, null);
    }

    /** Predicts with the weights of a checkpoint: a path, {@code "last"} or {@code "best"}. */
    public List<Object> predict(LightningModule module, LightningDataModule dataModule, String ckptPath) {
        DataSources data = new DataSources(module, dataModule, null, null, null, null);
        Path file = ckptPath == null ? null : resolveCheckpoint(ckptPath);
        return call(Stage.PREDICT, module, dataModule, run -> {
            loadWeights(run, file);
            return Loops.predict(run, data, results);
        });
    }

    private static void loadWeights(RunContext run, Path file) {
        if (file != null) {
            Loops.restoreWeights(run, readCheckpoint(file, run), file.toString());
        }
    }

    private <T> T call(Stage stage, LightningModule module, LightningDataModule dm, Function<RunContext, T> body) {
        Objects.requireNonNull(module, "module");
        if (closed) {
            throw new IllegalStateException("this Trainer is closed; build a new one");
        }
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("this Trainer is already running " + state.stage().lightningName()
                    + "; one call at a time per Trainer");
        }
        state.resetForCall(stage);
        Autograd autograd = autograd(stage);
        List<Callback> all = mergeCallbacks(module.configureCallbacks());
        try (NDManager manager = NDManager.newBaseManager(strategy.rootDevice(), settings.engine())) {
            manager.setName("fulmen-" + stage.lightningName());
            RunContext run = new RunContext(state, settings, module, dm, all, strategy, precision, autograd, manager);
            module.attach(run.bridge());
            try {
                if (stage == Stage.FIT && settings.seed() != null) {
                    Engine.getEngine(settings.engine()).setRandomSeed((int) (long) settings.seed());
                }
                if (strategy.isGlobalZero()) {
                    if (dm != null) {
                        dm.prepareData();
                    }
                    module.prepareData();
                }
                if (dm != null) {
                    dm.setup(stage);
                }
                all.forEach(c -> c.setup(state, module, stage));
                module.setup(stage);
                module.configureModel();
                logHyperparameters(module, dm);
                T result = body.apply(run);
                if (dm != null) {
                    dm.teardown(stage);
                }
                all.forEach(c -> c.teardown(state, module, stage));
                module.teardown(stage);
                if (strategy.writesLogs() && !state.loggersFinished()) {
                    state.loggers().forEach(ExperimentLogger::save);
                }
                return result;
            } catch (RuntimeException | Error e) {
                for (Callback c : all) {
                    try {
                        c.onException(state, module, e);
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                finishLoggers(e instanceof TrainingCancelledException ? RunStatus.INTERRUPTED : RunStatus.FAILED, e);
                throw e;
            } finally {
                module.detach(run.bridge());
            }
        } finally {
            state.endCall();
            running.set(false);
        }
    }

    private Autograd autograd(Stage stage) {
        if (stage == Stage.FIT) {
            return Autograd.forEngine(settings.engine());
        }
        try {
            return Autograd.forEngine(settings.engine());
        } catch (IllegalArgumentException inferenceOnlyEngine) {
            return null;
        }
    }

    private void logHyperparameters(LightningModule module, LightningDataModule dm) {
        if (hyperparametersLogged || !strategy.writesLogs() || state.loggersFinished()) {
            return;
        }
        Map<String, Object> hp = new LinkedHashMap<>(module.hparams());
        if (dm != null) {
            hp.putAll(dm.hparams());
        }
        if (hp.isEmpty()) {
            return;
        }
        hyperparametersLogged = true;
        state.loggers().forEach(l -> l.logHyperparams(hp));
    }

    private void finishLoggers(RunStatus status, Throwable cause) {
        if (!strategy.writesLogs() || state.loggersFinished()) {
            return;
        }
        state.markLoggersFinished();
        for (ExperimentLogger l : state.loggers()) {
            try {
                l.finish(status);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private void printResults(String what, Map<String, Double> metrics) {
        if (!printResults || metrics.isEmpty() || !strategy.isGlobalZero()) {
            return;
        }
        int width = Math.max(20, metrics.keySet().stream().mapToInt(String::length).max().orElse(0) + 2);
        String rule = "-".repeat(width + 22);
        out.println(rule);
        out.printf(Locale.ROOT, "%-" + width + "s%22s%n", what + " metric", "DataLoader 0");
        out.println(rule);
        metrics.forEach((k, v) -> out.printf(Locale.ROOT, "%-" + width + "s%22.6g%n", k, v));
        out.println(rule);
    }

    private List<Callback> mergeCallbacks(List<Callback> fromModule) {
        if (fromModule == null || fromModule.isEmpty()) {
            return callbacks;
        }
        List<Callback> merged = new ArrayList<>();
        for (Callback c : callbacks) {
            boolean replaced = fromModule.stream().anyMatch(m -> m.getClass() == c.getClass());
            if (!replaced) {
                merged.add(c);
            }
        }
        merged.addAll(fromModule);
        return merged;
    }

    private List<Callback> defaultCallbacks(Builder b) {
        List<Callback> list = new ArrayList<>(b.callbacks);
        if (settings.maxTime() != null) {
            list.add(new Timer(settings.maxTime()));
        }
        if (settings.enableProgressBar()) {
            list.add(new ProgressBar(out, b.interactive != null ? b.interactive : System.console() != null));
        }
        if (settings.enableModelSummary()) {
            list.add(new ModelSummary(out));
        }
        boolean hasCheckpointing = list.stream().anyMatch(c -> c instanceof ModelCheckpoint);
        if (settings.enableCheckpointing() && !hasCheckpointing) {
            list.add(new ModelCheckpoint());
        }
        // As in Lightning, checkpoint callbacks run last, so they see what every other callback did.
        List<Callback> ordered = new ArrayList<>();
        list.stream().filter(c -> !(c instanceof ModelCheckpoint)).forEach(ordered::add);
        list.stream().filter(c -> c instanceof ModelCheckpoint).forEach(ordered::add);
        return List.copyOf(ordered);
    }

    private static Accelerator resolveAccelerator(PluginRegistry plugins, Builder b) {
        String name = b.accelerator.trim().toLowerCase(Locale.ROOT);
        AcceleratorProvider provider;
        if (name.equals("auto")) {
            provider = plugins.accelerators().best(AcceleratorProvider::isAvailable).orElseThrow(() ->
                    new IllegalStateException("no accelerator is available: add fulmen-plugin-accelerator-cpu to "
                            + "the classpath or its bundle to the plugins folder (found: "
                            + plugins.accelerators().describe() + ")"));
        } else {
            provider = plugins.accelerators().resolve(name);
            if (!provider.isAvailable()) {
                throw new IllegalStateException("accelerator '" + name + "' is installed but not available on this "
                        + "machine; available now: " + plugins.accelerators().all().stream()
                        .filter(AcceleratorProvider::isAvailable).map(AcceleratorProvider::name).toList());
            }
        }
        AcceleratorProvider chosen = provider;
        return created("accelerator", chosen.name(), plugins.accelerators().origin(chosen),
                () -> chosen.create(new PluginOptions(b.options)));
    }

    /** Runs a provider's factory; a class missing from its plugin becomes an error naming the plugin. */
    private static <T> T created(String kind, String name, String origin, java.util.function.Supplier<T> factory) {
        try {
            return factory.get();
        } catch (LinkageError e) {
            throw new IllegalStateException(kind + " '" + name + "' from " + origin + " cannot be created: " + e
                    + " — the plugin lacks a class it needs (a dependency missing from its bundle's lib/?)", e);
        }
    }

    private static Strategy resolveStrategy(PluginRegistry plugins, Builder b, int deviceCount) {
        String name = b.strategy.trim().toLowerCase(Locale.ROOT);
        if (name.equals("auto")) {
            StrategyProvider p = plugins.strategies().best(s -> s.supports(deviceCount, b.numNodes)).orElseThrow(
                    () -> new IllegalStateException("no strategy supports " + deviceCount + " device(s) on "
                            + b.numNodes + " node(s); installed: " + plugins.strategies().describe()));
            return created("strategy", p.name(), plugins.strategies().origin(p),
                    () -> p.create(new PluginOptions(b.options)));
        }
        StrategyProvider p = plugins.strategies().resolve(name);
        return created("strategy", p.name(), plugins.strategies().origin(p),
                () -> p.create(new PluginOptions(b.options)));
    }

    private Precision resolvePrecision(PluginRegistry plugins, Builder b) {
        PrecisionProvider p = plugins.precisions().resolve(b.precision);
        if (!p.supports(accelerator.name())) {
            throw new IllegalArgumentException("precision '" + b.precision + "' is not supported on the "
                    + accelerator.name() + " accelerator");
        }
        return created("precision", p.name(), plugins.precisions().origin(p),
                () -> p.create(new PluginOptions(b.options)));
    }

    private static List<ExperimentLogger> resolveLoggers(PluginRegistry plugins, Builder b) {
        if (b.loggersOff) {
            return List.of();
        }
        LoggerContext ctx = new LoggerContext(b.settings().defaultRootDir(), new PluginOptions(b.options));
        List<ExperimentLogger> list = new ArrayList<>(b.loggerInstances);
        if (b.loggerNames.isEmpty() && b.loggerInstances.isEmpty()) {
            plugins.loggers().best(p -> true).ifPresent(p -> list.add(
                    created("logger", p.name(), plugins.loggers().origin(p), () -> p.create(ctx))));
        }
        for (String n : b.loggerNames) {
            ExperimentLoggerProvider p = plugins.loggers().resolve(n);
            list.add(created("logger", p.name(), plugins.loggers().origin(p), () -> p.create(ctx)));
        }
        return list;
    }

    // ------------------------------------------------------------------ control and view

    /** Stops whatever runs at the next batch boundary with {@link TrainingCancelledException}; thread-safe. */
    public void cancel() {
        state.cancel();
    }

    public TrainerSettings settings() {
        return settings;
    }

    public Accelerator accelerator() {
        return accelerator;
    }

    public Strategy strategy() {
        return strategy;
    }

    public Precision precision() {
        return precision;
    }

    /** The callbacks in the order they run (user callbacks first, then the built-ins, as in Lightning). */
    public List<Callback> callbacks() {
        return callbacks;
    }

    @Override
    public Stage stage() {
        return state.stage();
    }

    @Override
    public boolean isSanityChecking() {
        return state.isSanityChecking();
    }

    @Override
    public boolean isTraining() {
        return state.isTraining();
    }

    @Override
    public int currentEpoch() {
        return state.currentEpoch();
    }

    @Override
    public long globalStep() {
        return state.globalStep();
    }

    @Override
    public int maxEpochs() {
        return state.maxEpochs();
    }

    @Override
    public long maxSteps() {
        return state.maxSteps();
    }

    @Override
    public long numTrainingBatches() {
        return state.numTrainingBatches();
    }

    @Override
    public Map<String, Double> callbackMetrics() {
        return state.callbackMetrics();
    }

    @Override
    public Map<String, Double> loggedMetrics() {
        return state.loggedMetrics();
    }

    @Override
    public Map<String, Double> progressBarMetrics() {
        return state.progressBarMetrics();
    }

    @Override
    public List<ExperimentLogger> loggers() {
        return state.loggers();
    }

    @Override
    public Path defaultRootDir() {
        return state.defaultRootDir();
    }

    @Override
    public Path logDir() {
        return state.logDir();
    }

    @Override
    public boolean shouldStop() {
        return state.shouldStop();
    }

    @Override
    public void requestStop() {
        state.requestStop();
    }

    @Override
    public int globalRank() {
        return state.globalRank();
    }

    @Override
    public int worldSize() {
        return state.worldSize();
    }

    @Override
    public List<Float> learningRates() {
        return state.learningRates();
    }

    @Override
    public List<LightningOptimizer> optimizers() {
        return state.optimizers();
    }

    @Override
    public void saveCheckpoint(Path file, boolean weightsOnly) {
        state.saveCheckpoint(file, weightsOnly);
    }

    /** Ends the loggers (status success) and frees predictions. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (strategy.writesLogs() && !state.loggersFinished()) {
            state.markLoggersFinished();
            state.loggers().forEach(l -> l.finish(RunStatus.SUCCESS));
        }
        results.close();
        strategy.teardown();
        accelerator.teardown();
        if (ownedPlugins != null) {
            ownedPlugins.close();
        }
    }

    // ------------------------------------------------------------------ builder

    /**
     * Lightning's Trainer arguments with Lightning's defaults. Strings resolve through the plugin registries
     * ({@code "auto"} picks the best available); every component also accepts an instance.
     */
    public static final class Builder {
        /** System property naming the plugins folder. */
        public static final String PLUGINS_PROPERTY = "fulmen.plugins.dir";
        /** Environment variable naming the plugins folder. */
        public static final String PLUGINS_ENV = "FULMEN_PLUGINS_DIR";
        private Integer maxEpochs;
        private Integer minEpochs;
        private long maxSteps = -1;
        private Long minSteps;
        private Duration maxTime;
        private BatchLimit limitTrain = BatchLimit.ALL;
        private BatchLimit limitVal = BatchLimit.ALL;
        private BatchLimit limitTest = BatchLimit.ALL;
        private BatchLimit limitPredict = BatchLimit.ALL;
        private BatchLimit valCheckInterval = BatchLimit.ALL;
        private Integer checkValEveryNEpoch = 1;
        private int numSanityValSteps = 2;
        private int fastDevRun;
        private int accumulateGradBatches = 1;
        private double gradientClipVal;
        private ClipAlgorithm gradientClipAlgorithm = ClipAlgorithm.NORM;
        private boolean deterministic;
        private Long seed;
        private Path defaultRootDir;
        private boolean enableCheckpointing = true;
        private boolean enableProgressBar = true;
        private boolean enableModelSummary = true;
        private int logEveryNSteps = 50;
        private boolean detectAnomaly;
        private String engine = "PyTorch";
        private String accelerator = "auto";
        private Accelerator acceleratorInstance;
        private DeviceSpec devices = DeviceSpec.auto();
        private String strategy = "auto";
        private Strategy strategyInstance;
        private String precision = "32-true";
        private Precision precisionInstance;
        private int numNodes = 1;
        private final List<Callback> callbacks = new ArrayList<>();
        private final List<String> loggerNames = new ArrayList<>();
        private final List<ExperimentLogger> loggerInstances = new ArrayList<>();
        private boolean loggersOff;
        private final Map<String, String> options = new LinkedHashMap<>();
        private PluginRegistry plugins;
        private Path pluginsDir;
        private final java.util.Set<String> allowedPlugins = new java.util.LinkedHashSet<>();
        private boolean allowWritablePluginsDir;
        private PrintStream out = System.out;
        private Boolean interactive;

        private Builder() {}

        /** {@code max_epochs}; unset means 1000 unless max_steps or max_time bound training; -1 for unbounded. */
        public Builder maxEpochs(int value) {
            if (value < -1) {
                throw new IllegalArgumentException("maxEpochs must be >= -1, got " + value);
            }
            this.maxEpochs = value;
            return this;
        }

        public Builder minEpochs(int value) {
            this.minEpochs = nonNegative(value, "minEpochs");
            return this;
        }

        /** {@code max_steps}: optimizer steps; -1 (default) for unbounded. */
        public Builder maxSteps(long value) {
            if (value < -1) {
                throw new IllegalArgumentException("maxSteps must be >= -1, got " + value);
            }
            this.maxSteps = value;
            return this;
        }

        public Builder minSteps(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("minSteps must be >= 0, got " + value);
            }
            this.minSteps = value;
            return this;
        }

        /** {@code max_time}: stop training after this long (adds a {@link Timer}). */
        public Builder maxTime(Duration value) {
            this.maxTime = Objects.requireNonNull(value, "maxTime");
            return this;
        }

        /** {@code limit_train_batches} as a count. */
        public Builder limitTrainBatches(int count) {
            this.limitTrain = BatchLimit.count(count);
            return this;
        }

        /** {@code limit_train_batches} as a fraction of the loader. */
        public Builder limitTrainBatches(double fraction) {
            this.limitTrain = BatchLimit.fraction(fraction);
            return this;
        }

        public Builder limitValBatches(int count) {
            this.limitVal = BatchLimit.count(count);
            return this;
        }

        public Builder limitValBatches(double fraction) {
            this.limitVal = BatchLimit.fraction(fraction);
            return this;
        }

        public Builder limitTestBatches(int count) {
            this.limitTest = BatchLimit.count(count);
            return this;
        }

        public Builder limitTestBatches(double fraction) {
            this.limitTest = BatchLimit.fraction(fraction);
            return this;
        }

        public Builder limitPredictBatches(int count) {
            this.limitPredict = BatchLimit.count(count);
            return this;
        }

        public Builder limitPredictBatches(double fraction) {
            this.limitPredict = BatchLimit.fraction(fraction);
            return this;
        }

        /** {@code val_check_interval} as a count of training batches. */
        public Builder valCheckInterval(int batches) {
            if (batches <= 0) {
                throw new IllegalArgumentException("valCheckInterval must be positive, got " + batches);
            }
            this.valCheckInterval = BatchLimit.count(batches);
            return this;
        }

        /** {@code val_check_interval} as a fraction of the training epoch. */
        public Builder valCheckInterval(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("valCheckInterval fraction must be in (0, 1], got " + fraction);
            }
            this.valCheckInterval = BatchLimit.fraction(fraction);
            return this;
        }

        /** {@code check_val_every_n_epoch}; null counts {@code valCheckInterval} across epochs. */
        public Builder checkValEveryNEpoch(Integer value) {
            if (value != null && value <= 0) {
                throw new IllegalArgumentException("checkValEveryNEpoch must be positive or null, got " + value);
            }
            this.checkValEveryNEpoch = value;
            return this;
        }

        /** {@code num_sanity_val_steps}: 2 by default, 0 to skip, -1 for the whole val loader. */
        public Builder numSanityValSteps(int value) {
            if (value < -1) {
                throw new IllegalArgumentException("numSanityValSteps must be >= -1, got " + value);
            }
            this.numSanityValSteps = value;
            return this;
        }

        /** {@code fast_dev_run=True}: one batch of each loop, no loggers, no checkpoints. */
        public Builder fastDevRun(boolean value) {
            this.fastDevRun = value ? 1 : 0;
            return this;
        }

        /** {@code fast_dev_run=n}: n batches of each loop. */
        public Builder fastDevRun(int batches) {
            this.fastDevRun = nonNegative(batches, "fastDevRun");
            return this;
        }

        public Builder accumulateGradBatches(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("accumulateGradBatches must be positive, got " + value);
            }
            this.accumulateGradBatches = value;
            return this;
        }

        /** {@code gradient_clip_val}; 0 disables clipping. */
        public Builder gradientClipVal(double value) {
            if (value < 0) {
                throw new IllegalArgumentException("gradientClipVal must be >= 0, got " + value);
            }
            this.gradientClipVal = value;
            return this;
        }

        /** {@code gradient_clip_algorithm}: "norm" (default) or "value". */
        public Builder gradientClipAlgorithm(String value) {
            try {
                this.gradientClipAlgorithm = ClipAlgorithm.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gradient_clip_algorithm '" + value + "' is unknown; use 'norm' or "
                        + "'value'", e);
            }
            return this;
        }

        public Builder deterministic(boolean value) {
            this.deterministic = value;
            return this;
        }

        /** Seeds parameter initialisation, shuffling and the engine's generator (Lightning's seed_everything). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder defaultRootDir(Path value) {
            this.defaultRootDir = Objects.requireNonNull(value, "defaultRootDir");
            return this;
        }

        public Builder enableCheckpointing(boolean value) {
            this.enableCheckpointing = value;
            return this;
        }

        public Builder enableProgressBar(boolean value) {
            this.enableProgressBar = value;
            return this;
        }

        public Builder enableModelSummary(boolean value) {
            this.enableModelSummary = value;
            return this;
        }

        public Builder logEveryNSteps(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("logEveryNSteps must be positive, got " + value);
            }
            this.logEveryNSteps = value;
            return this;
        }

        public Builder detectAnomaly(boolean value) {
            this.detectAnomaly = value;
            return this;
        }

        /** The DJL engine: "PyTorch" (default; trains) or an inference engine for validate/test/predict. */
        public Builder engine(String value) {
            this.engine = Objects.requireNonNull(value, "engine");
            return this;
        }

        /** {@code accelerator}: "auto" (default), "cpu", or any accelerator plugin's name. */
        public Builder accelerator(String name) {
            this.accelerator = Objects.requireNonNull(name, "accelerator");
            this.acceleratorInstance = null;
            return this;
        }

        public Builder accelerator(Accelerator instance) {
            this.acceleratorInstance = Objects.requireNonNull(instance, "accelerator");
            return this;
        }

        /** {@code devices}: "auto", a count, -1 for all, or indices such as "0,1". */
        public Builder devices(String spec) {
            this.devices = DeviceSpec.parse(spec);
            return this;
        }

        public Builder devices(int count) {
            this.devices = DeviceSpec.count(count);
            return this;
        }

        public Builder strategy(String name) {
            this.strategy = Objects.requireNonNull(name, "strategy");
            this.strategyInstance = null;
            return this;
        }

        public Builder strategy(Strategy instance) {
            this.strategyInstance = Objects.requireNonNull(instance, "strategy");
            return this;
        }

        /** {@code precision}: "32-true" (default) or any precision plugin's name. */
        public Builder precision(String name) {
            this.precision = Objects.requireNonNull(name, "precision");
            this.precisionInstance = null;
            return this;
        }

        public Builder precision(Precision instance) {
            this.precisionInstance = Objects.requireNonNull(instance, "precision");
            return this;
        }

        public Builder numNodes(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("numNodes must be positive, got " + value);
            }
            this.numNodes = value;
            return this;
        }

        public Builder callbacks(Callback... values) {
            for (Callback c : values) {
                callbacks.add(Objects.requireNonNull(c, "callback"));
            }
            return this;
        }

        public Builder callbacks(List<? extends Callback> values) {
            values.forEach(c -> callbacks.add(Objects.requireNonNull(c, "callback")));
            return this;
        }

        /** Loggers by name ("csv", "tensorboard"…); "none" or "false" disables logging. */
        public Builder logger(String... names) {
            for (String n : names) {
                String key = n.trim().toLowerCase(Locale.ROOT);
                if (key.equals("none") || key.equals("false")) {
                    loggersOff = true;
                } else {
                    loggerNames.add(n);
                }
            }
            return this;
        }

        public Builder logger(ExperimentLogger... instances) {
            for (ExperimentLogger l : instances) {
                loggerInstances.add(Objects.requireNonNull(l, "logger"));
            }
            return this;
        }

        /** {@code logger=False}. */
        public Builder logger(boolean enabled) {
            this.loggersOff = !enabled;
            return this;
        }

        /** An option handed to every plugin's provider (e.g. a logger's "name"). */
        public Builder option(String key, String value) {
            options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * The folder of plugin bundles (PF4J) to load besides the classpath. Default: the system property
         * {@value #PLUGINS_PROPERTY}, else the environment variable {@value #PLUGINS_ENV}, else {@code ./plugins}
         * when it exists.
         */
        public Builder pluginsDir(Path folder) {
            this.pluginsDir = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** Only these plugin ids may load from the plugins folder (default: any). */
        public Builder allowedPlugins(String... ids) {
            allowedPlugins.addAll(List.of(ids));
            return this;
        }

        /** Accepts a plugins folder writable by group or others (refused by default: plugins run as code here). */
        public Builder allowWritablePluginsDir(boolean allow) {
            this.allowWritablePluginsDir = allow;
            return this;
        }

        Path pluginsFolder() {
            if (pluginsDir != null) {
                return pluginsDir;
            }
            String configured = System.getProperty(PLUGINS_PROPERTY, System.getenv(PLUGINS_ENV));
            if (configured != null && !configured.isBlank()) {
                return Path.of(configured);
            }
            Path local = Path.of("plugins");
            return java.nio.file.Files.isDirectory(local) ? local : null;
        }

        /** The plugins to resolve names from; by default those on the context class loader. */
        public Builder plugins(PluginRegistry registry) {
            this.plugins = Objects.requireNonNull(registry, "plugins");
            return this;
        }

        /** Where the progress bar, model summary and result tables print (System.out by default). */
        public Builder output(PrintStream stream, boolean isTerminal) {
            this.out = Objects.requireNonNull(stream, "stream");
            this.interactive = isTerminal;
            return this;
        }

        TrainerSettings settings() {
            Path root = defaultRootDir != null ? defaultRootDir : Path.of("").toAbsolutePath();
            if (fastDevRun > 0) {
                BatchLimit n = BatchLimit.count(fastDevRun);
                return new TrainerSettings(1, 0, fastDevRun, 0, maxTime, n, n, n, n, BatchLimit.ALL, 1, 0,
                        fastDevRun, accumulateGradBatches, gradientClipVal, gradientClipAlgorithm, deterministic,
                        seed, root, false, enableProgressBar, enableModelSummary, 1, detectAnomaly, engine);
            }
            int resolvedMinEpochs = minEpochs != null ? minEpochs : 0;
            long resolvedMinSteps = minSteps != null ? minSteps : 0;
            return new TrainerSettings(maxEpochs, resolvedMinEpochs, maxSteps, resolvedMinSteps, maxTime, limitTrain,
                    limitVal, limitTest, limitPredict, valCheckInterval, checkValEveryNEpoch, numSanityValSteps,
                    0, accumulateGradBatches, gradientClipVal, gradientClipAlgorithm, deterministic, seed, root,
                    enableCheckpointing, enableProgressBar, enableModelSummary, logEveryNSteps, detectAnomaly,
                    engine);
        }

        public Trainer build() {
            return new Trainer(this);
        }

        private static int nonNegative(int v, String what) {
            if (v < 0) {
                throw new IllegalArgumentException(what + " must be >= 0, got " + v);
            }
            return v;
        }
    }
}
