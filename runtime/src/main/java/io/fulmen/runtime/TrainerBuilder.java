package io.fulmen.runtime;

import io.fulmen.callback.Callback;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.config.BatchLimit;
import io.fulmen.runtime.config.DataSettings;
import io.fulmen.runtime.config.TrainerSettings;
import io.fulmen.runtime.plugin.BundlePolicy;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.profiler.Profilers;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.CheckpointIO;
import io.fulmen.spi.DeviceSpec;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.Precision;
import io.fulmen.spi.Strategy;
import org.apiguardian.api.API;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Lightning's Trainer arguments with Lightning's defaults, from {@link Trainer#builder()}. Strings resolve through
 * the plugin registries ({@code "auto"} picks the best available); every component also accepts an instance.
 * Arguments are checked when set, so a bad value fails where it is written.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class TrainerBuilder {
    /** System property naming the plugins folder. */
    public static final String PLUGINS_PROPERTY = "fulmen.plugins.dir";
    /** Environment variable naming the plugins folder. */
    public static final String PLUGINS_ENV = "FULMEN_PLUGINS_DIR";

    final TrainerSettings.Builder settings = TrainerSettings.builder();
    String accelerator = "auto";
    Accelerator acceleratorInstance;
    DeviceSpec devices = DeviceSpec.auto();
    String strategy = "auto";
    Strategy strategyInstance;
    String precision = "32-true";
    Precision precisionInstance;
    int numNodes = 1;
    String checkpointIO = "fulmen";
    CheckpointIO checkpointIOInstance;
    /** The callbacks asked for, instances and names, in order. */
    final List<NamedComponents.CallbackRequest> callbackRequests = new ArrayList<>();
    final List<String> loggerNames = new ArrayList<>();
    final List<ExperimentLogger> loggerInstances = new ArrayList<>();
    boolean loggersOff;
    final Map<String, String> options = new LinkedHashMap<>();
    PluginRegistry plugins;
    private Path pluginsDir;
    final Set<String> allowedPlugins = new LinkedHashSet<>();
    boolean allowWritablePluginsDir;
    PrintStream out = System.out;
    Boolean interactive;
    String profiler;
    boolean report;
    Supplier<OptimizerConfig> optimizers;
    DataSettings dataSettings = DataSettings.DEFAULTS;

    TrainerBuilder() {}

    /** {@code max_epochs}; unset means 1000 unless max_steps or max_time bound training; -1 for unbounded. */
    public TrainerBuilder maxEpochs(int value) {
        settings.maxEpochs(value);
        return this;
    }

    /** {@code min_epochs}: a stop request is deferred until this many epochs ran. */
    public TrainerBuilder minEpochs(int value) {
        settings.minEpochs(value);
        return this;
    }

    /** {@code max_steps}: optimizer steps; -1 (default) for unbounded. */
    public TrainerBuilder maxSteps(long value) {
        settings.maxSteps(value);
        return this;
    }

    /** {@code min_steps}: a stop request is deferred until this many optimizer steps ran. */
    public TrainerBuilder minSteps(long value) {
        settings.minSteps(value);
        return this;
    }

    /** {@code max_time}: stop training after this long (adds a {@link io.fulmen.runtime.callbacks.Timer}). */
    public TrainerBuilder maxTime(Duration value) {
        settings.maxTime(value);
        return this;
    }

    /** {@code limit_train_batches} as a count. */
    public TrainerBuilder limitTrainBatches(int count) {
        settings.limitTrainBatches(BatchLimit.count(count));
        return this;
    }

    /** {@code limit_train_batches} as a fraction of the loader. */
    public TrainerBuilder limitTrainBatches(double fraction) {
        settings.limitTrainBatches(BatchLimit.fraction(fraction));
        return this;
    }

    /** {@code limit_val_batches} as a count (0 disables validation). */
    public TrainerBuilder limitValBatches(int count) {
        settings.limitValBatches(BatchLimit.count(count));
        return this;
    }

    /** {@code limit_val_batches} as a fraction of the loader. */
    public TrainerBuilder limitValBatches(double fraction) {
        settings.limitValBatches(BatchLimit.fraction(fraction));
        return this;
    }

    /** {@code limit_test_batches} as a count. */
    public TrainerBuilder limitTestBatches(int count) {
        settings.limitTestBatches(BatchLimit.count(count));
        return this;
    }

    /** {@code limit_test_batches} as a fraction of the loader. */
    public TrainerBuilder limitTestBatches(double fraction) {
        settings.limitTestBatches(BatchLimit.fraction(fraction));
        return this;
    }

    /** {@code limit_predict_batches} as a count. */
    public TrainerBuilder limitPredictBatches(int count) {
        settings.limitPredictBatches(BatchLimit.count(count));
        return this;
    }

    /** {@code limit_predict_batches} as a fraction of the loader. */
    public TrainerBuilder limitPredictBatches(double fraction) {
        settings.limitPredictBatches(BatchLimit.fraction(fraction));
        return this;
    }

    /** {@code val_check_interval} as a count of training batches. */
    public TrainerBuilder valCheckInterval(int batches) {
        settings.valCheckInterval(batches);
        return this;
    }

    /** {@code val_check_interval} as a fraction of the training epoch. */
    public TrainerBuilder valCheckInterval(double fraction) {
        settings.valCheckInterval(fraction);
        return this;
    }

    /** {@code check_val_every_n_epoch}; null counts {@code valCheckInterval} across epochs. */
    public TrainerBuilder checkValEveryNEpoch(Integer value) {
        settings.checkValEveryNEpoch(value);
        return this;
    }

    /** {@code num_sanity_val_steps}: 2 by default, 0 to skip, -1 for the whole val loader. */
    public TrainerBuilder numSanityValSteps(int value) {
        settings.numSanityValSteps(value);
        return this;
    }

    /** {@code fast_dev_run=True}: one batch of each loop, no loggers, no checkpoints. */
    public TrainerBuilder fastDevRun(boolean value) {
        settings.fastDevRun(value ? 1 : 0);
        return this;
    }

    /** {@code fast_dev_run=n}: n batches of each loop. */
    public TrainerBuilder fastDevRun(int batches) {
        settings.fastDevRun(batches);
        return this;
    }

    /** {@code accumulate_grad_batches}: one optimizer step every this many batches. */
    public TrainerBuilder accumulateGradBatches(int value) {
        settings.accumulateGradBatches(value);
        return this;
    }

    /** {@code gradient_clip_val}; 0 disables clipping. */
    public TrainerBuilder gradientClipVal(double value) {
        settings.gradientClipVal(value);
        return this;
    }

    /** {@code gradient_clip_algorithm}: "norm" (default) or "value". */
    public TrainerBuilder gradientClipAlgorithm(String value) {
        settings.gradientClipAlgorithm(value);
        return this;
    }

    /** {@code deterministic}. */
    public TrainerBuilder deterministic(boolean value) {
        settings.deterministic(value);
        return this;
    }

    /** Seeds parameter initialisation, shuffling and the engine's generator (Lightning's seed_everything). */
    public TrainerBuilder seed(long value) {
        settings.seed(value);
        return this;
    }

    /** {@code default_root_dir}: where logs and checkpoints go (the working directory by default). */
    public TrainerBuilder defaultRootDir(Path value) {
        settings.defaultRootDir(value);
        return this;
    }

    /** {@code enable_checkpointing}: adds a default ModelCheckpoint when none is given. */
    public TrainerBuilder enableCheckpointing(boolean value) {
        settings.enableCheckpointing(value);
        return this;
    }

    /** {@code enable_progress_bar}. */
    public TrainerBuilder enableProgressBar(boolean value) {
        settings.enableProgressBar(value);
        return this;
    }

    /** {@code enable_model_summary}. */
    public TrainerBuilder enableModelSummary(boolean value) {
        settings.enableModelSummary(value);
        return this;
    }

    /** {@code log_every_n_steps}. */
    public TrainerBuilder logEveryNSteps(int value) {
        settings.logEveryNSteps(value);
        return this;
    }

    /**
     * {@code use_distributed_sampler} (default true): when several processes train, each rank's training and
     * validation loaders are replaced by their shard (a disjoint part, padded by wrapping to equal length,
     * reshuffled every epoch from the seed when the loader shuffles). False leaves the loaders as they are.
     */
    public TrainerBuilder useDistributedSampler(boolean value) {
        settings.useDistributedSampler(value);
        return this;
    }

    /** {@code detect_anomaly}: fails on a NaN/inf loss or gradient, naming where. */
    public TrainerBuilder detectAnomaly(boolean value) {
        settings.detectAnomaly(value);
        return this;
    }

    /**
     * {@code profiler}: "simple" times every hook and the phases between them (training step, backward, optimizer
     * step, waiting for data, validation step) and prints Lightning's table at the end of each call, also written
     * to {@code <stage>-profiler.txt} in the log directory; "advanced" adds the methods the training thread spends
     * its time in, sampled by the JDK's Flight Recorder (the recording is kept as {@code <stage>-profiler.jfr});
     * null or "none" (the default) profiles nothing.
     */
    public TrainerBuilder profiler(String name) {
        this.profiler = Profilers.checkName(name);
        return this;
    }

    /**
     * Writes {@code report.html} into the log directory at the end of each {@code fit}: the metric curves, the
     * hyperparameters, the model summary, the profiler's timings, the checkpoints kept and the configuration, in
     * one file that opens offline. Off by default: Lightning writes no report, and a run folder keeps Lightning's
     * layout unless asked; {@code fulmen report <log_dir>} writes one for any finished run.
     */
    public TrainerBuilder report(boolean value) {
        this.report = value;
        return this;
    }

    /**
     * Optimizers for every fit instead of the module's {@code configureOptimizers()}, as LightningCLI's
     * {@code optimizer} and {@code lr_scheduler} replace it; called once per fit, so each fit starts with fresh
     * optimizer state. Null (the default): the module's own.
     */
    public TrainerBuilder configureOptimizers(Supplier<OptimizerConfig> value) {
        this.optimizers = value;
        return this;
    }

    /** The DJL engine: "PyTorch" (default; trains) or an inference engine for validate/test/predict. */
    public TrainerBuilder engine(String value) {
        settings.engine(value);
        return this;
    }

    /** {@code accelerator}: "auto" (default), "cpu", or any accelerator plugin's name. */
    public TrainerBuilder accelerator(String name) {
        this.accelerator = Objects.requireNonNull(name, "accelerator");
        this.acceleratorInstance = null;
        return this;
    }

    /** An accelerator instance, used as it is. */
    public TrainerBuilder accelerator(Accelerator instance) {
        this.acceleratorInstance = Objects.requireNonNull(instance, "accelerator");
        return this;
    }

    /** {@code devices}: "auto", a count, -1 for all, or indices such as "0,1". */
    public TrainerBuilder devices(String spec) {
        this.devices = DeviceSpec.parse(spec);
        return this;
    }

    /** {@code devices} as a count. */
    public TrainerBuilder devices(int count) {
        this.devices = DeviceSpec.count(count);
        return this;
    }

    /** {@code strategy}: "auto" (default) or any strategy plugin's name. */
    public TrainerBuilder strategy(String name) {
        this.strategy = Objects.requireNonNull(name, "strategy");
        this.strategyInstance = null;
        return this;
    }

    /** A strategy instance; the Trainer sets it up with the resolved accelerator, devices and precision. */
    public TrainerBuilder strategy(Strategy instance) {
        this.strategyInstance = Objects.requireNonNull(instance, "strategy");
        return this;
    }

    /** {@code precision}: "32-true" (default) or any precision plugin's name. */
    public TrainerBuilder precision(String name) {
        this.precision = Objects.requireNonNull(name, "precision");
        this.precisionInstance = null;
        return this;
    }

    /** A precision instance, used as it is. */
    public TrainerBuilder precision(Precision instance) {
        this.precisionInstance = Objects.requireNonNull(instance, "precision");
        return this;
    }

    /**
     * How checkpoints are written (Lightning's {@code CheckpointIO} plugin), by provider name: {@code "fulmen"}
     * (the default) writes Fulmen's format in the training thread, {@code "async"} copies the tensors and writes them in the background (Lightning's
     * {@code AsyncCheckpointIO}), with the same guarantee that a crash leaves the last completed checkpoint intact.
     */
    public TrainerBuilder checkpointIO(String name) {
        this.checkpointIO = Objects.requireNonNull(name, "checkpointIO");
        this.checkpointIOInstance = null;
        return this;
    }

    /** A checkpoint I/O instance; the strategy saves, loads and removes checkpoints through it. */
    public TrainerBuilder checkpointIO(CheckpointIO instance) {
        this.checkpointIOInstance = Objects.requireNonNull(instance, "checkpointIO");
        return this;
    }

    /** {@code num_nodes}. */
    public TrainerBuilder numNodes(int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("numNodes must be positive, got " + value);
        }
        this.numNodes = value;
        return this;
    }

    /** Callbacks, run in this order before the built-in ones (checkpoint callbacks always run last). */
    public TrainerBuilder callbacks(Callback... values) {
        return callbacks(Arrays.asList(values));
    }

    /** Callbacks, run in this order before the built-in ones (checkpoint callbacks always run last). */
    public TrainerBuilder callbacks(List<? extends Callback> values) {
        values.forEach(c -> callbackRequests.add(new NamedComponents.CallbackRequest(
                Objects.requireNonNull(c, "callback"), null)));
        return this;
    }

    /**
     * Callbacks by provider name ({@code "early_stopping"}, {@code "model_checkpoint"},
     * {@code "learning_rate_monitor"}, {@code "timer"}, or a plugin's), run in the order given among the
     * instances; configured with {@code option("early_stopping.monitor", "val_loss")}. Each name creates a new
     * callback at {@link #build()}; an unknown name fails there, listing the callbacks installed.
     */
    public TrainerBuilder callbacks(String... names) {
        for (String n : names) {
            Objects.requireNonNull(n, "callback name");
            if (n.isBlank()) {
                throw new IllegalArgumentException("a callback name must not be blank");
            }
            callbackRequests.add(new NamedComponents.CallbackRequest(null, n.trim()));
        }
        return this;
    }

    /** Loggers by name ("csv", "tensorboard"…); "none" or "false" disables logging. */
    public TrainerBuilder logger(String... names) {
        for (String n : names) {
            String key = n.trim().toLowerCase(Locale.ROOT);
            if (key.equals("none") || key.equals("false")) {
                loggersOff = true;
            } else {
                loggerNames.add(n);
                loggersOff = false;
            }
        }
        return this;
    }

    /** Logger instances, used as they are. */
    public TrainerBuilder logger(ExperimentLogger... instances) {
        for (ExperimentLogger l : instances) {
            loggerInstances.add(Objects.requireNonNull(l, "logger"));
            loggersOff = false;
        }
        return this;
    }

    /** {@code logger=False}; a logger named or given after it turns logging back on (the last call wins). */
    public TrainerBuilder logger(boolean enabled) {
        this.loggersOff = !enabled;
        return this;
    }

    /**
     * An option of one provider, named {@code <provider name>.<key>}: {@code option("tensorboard.flush_secs", "30")},
     * {@code option("csv.name", "runs")}, {@code option("early_stopping.patience", "5")}. Only that provider
     * receives it (as {@code flush_secs}). {@link #build()} fails when the key names no provider in use or an
     * option the provider does not declare (with the closest key), or when the value is not of the declared type;
     * {@code ./quickstart --list-plugins} lists every provider's options.
     */
    public TrainerBuilder option(String key, String value) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("an option key must not be blank; write '<provider>.<key>'");
        }
        options.put(key.trim(), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * The folder of plugin bundles (PF4J) to load besides the classpath. Default: the system property
     * {@value #PLUGINS_PROPERTY}, else the environment variable {@value #PLUGINS_ENV}, else {@code ./plugins}
     * when it exists.
     */
    public TrainerBuilder pluginsDir(Path folder) {
        this.pluginsDir = Objects.requireNonNull(folder, "folder");
        return this;
    }

    /**
     * {@code overfit_batches}: fit trains and validates on this many batches of its loaders (their first ones,
     * shuffling turned off with a warning), every epoch the same; it replaces {@code limit_train_batches} and
     * {@code limit_val_batches}, as in Lightning. 0 (the default) turns it off.
     */
    public TrainerBuilder overfitBatches(int count) {
        dataSettings = dataSettings.withOverfitBatches(BatchLimit.count(count));
        return this;
    }

    /** {@code overfit_batches} as a fraction of each loader's batches, in [0, 1]. */
    public TrainerBuilder overfitBatches(double fraction) {
        dataSettings = dataSettings.withOverfitBatches(BatchLimit.fraction(fraction));
        return this;
    }

    /**
     * {@code reload_dataloaders_every_n_epochs}: fit asks the training and validation data hooks for new loaders
     * every this many epochs (0, the default, asks once).
     */
    public TrainerBuilder reloadDataloadersEveryNEpochs(int epochs) {
        dataSettings = dataSettings.withReloadDataloadersEveryNEpochs(epochs);
        return this;
    }

    /**
     * {@code inference_mode} (true by default): validation, test and prediction run without recording gradients.
     * Lightning's false means {@code torch.no_grad}, which records none either: both run the same no-grad path
     * here.
     */
    public TrainerBuilder inferenceMode(boolean value) {
        dataSettings = dataSettings.withInferenceMode(value);
        return this;
    }

    /** Only these plugin ids may load from the plugins folder (default: any). */
    public TrainerBuilder allowedPlugins(String... ids) {
        allowedPlugins.addAll(List.of(ids));
        return this;
    }

    /** Accepts a plugins folder writable by group or others (refused by default: plugins run as code here). */
    public TrainerBuilder allowWritablePluginsDir(boolean allow) {
        this.allowWritablePluginsDir = allow;
        return this;
    }

    /** The plugins to resolve names from; by default those on the context class loader and the plugins folder. */
    public TrainerBuilder plugins(PluginRegistry registry) {
        this.plugins = Objects.requireNonNull(registry, "plugins");
        return this;
    }

    /** Where the progress bar, model summary and result tables print (System.out by default). */
    public TrainerBuilder output(PrintStream stream, boolean isTerminal) {
        this.out = Objects.requireNonNull(stream, "stream");
        this.interactive = isTerminal;
        return this;
    }

    /**
     * The plugins folder a Trainer built now would load: {@link #pluginsDir(Path)}, else the {@value #PLUGINS_PROPERTY}
     * system property, else the {@value #PLUGINS_ENV} environment variable, else {@code ./plugins} when it exists;
     * null when there is none. Tools that list plugins use it to show what a run would see.
     */
    public Path pluginsFolder() {
        if (pluginsDir != null) {
            return pluginsDir;
        }
        String configured = System.getProperty(PLUGINS_PROPERTY, System.getenv(PLUGINS_ENV));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path local = Path.of("plugins");
        return Files.isDirectory(local) ? local : null;
    }

    /**
     * Builds the Trainer: resolves every name through the plugins and sets the strategy up. Either it returns a
     * Trainer, or it releases what it had created before failing: the loggers it created are finished with
     * {@link io.fulmen.spi.RunStatus#FAILED} (which stops their threads), the strategy it set up and the accelerator
     * it created are torn down, and the plugin registry it discovered (when none was given with
     * {@link #plugins(PluginRegistry)}) is closed, unloading its bundles. Instances passed to this builder are left
     * as they were given, except a strategy, which is torn down once it was set up.
     */
    public Trainer build() {
        return new Trainer(this);
    }

    /** The bundle policy a Trainer built now would apply ({@link #allowedPlugins}, {@link #allowWritablePluginsDir}). */
    public BundlePolicy bundlePolicy() {
        return new BundlePolicy(allowedPlugins, allowWritablePluginsDir);
    }
}
