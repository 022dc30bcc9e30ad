package io.fulmen.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.data.DataSource;
import io.fulmen.runtime.config.DataSettings;
import io.fulmen.runtime.config.TrainerSettings;
import io.fulmen.runtime.logger.LoggerConnector;
import io.fulmen.runtime.loop.DataSources;
import io.fulmen.runtime.loop.FitLoop;
import io.fulmen.runtime.loop.Loops;
import io.fulmen.runtime.loop.RunContext;
import io.fulmen.runtime.loop.TrainerState;
import io.fulmen.runtime.loop.TrainingCancelledException;
import io.fulmen.runtime.metrics.MetricStore;
import io.fulmen.runtime.plugin.BundlePolicy;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.ExecutionEngine;
import io.fulmen.spi.Precision;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.RunStatus;
import io.fulmen.spi.Strategy;
import org.apiguardian.api.API;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs a {@link LightningModule}'s fit, validate, test and predict loops with everything around them: devices,
 * precision, strategy, callbacks, loggers (Lightning's {@code Trainer}). Built with {@link #builder()}, which takes
 * Lightning's arguments under their Java names and Lightning's defaults.
 *
 * <p>Every entry point takes the module, optionally a {@link DataSource} (a DataModule, one loader for the stage,
 * or {@link DataSource#loaders fit's two loaders}) and optionally a {@link CkptPath} to start from.
 *
 * <p>One call runs at a time per Trainer; separate Trainers are independent, also in separate threads.
 * {@link #requestStop()} and {@link #cancel()} may be called from any thread. {@link #close()} ends the loggers;
 * {@link Predictions} outlive it.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Trainer implements AutoCloseable {
    private final TrainerSettings settings;
    private final DataSettings dataSettings;
    private final Accelerator accelerator;
    private final Strategy strategy;
    private final Precision precision;
    private final CallbackConnector callbacks;
    private final LoggerConnector loggers;
    private final TrainerState state;
    private final TrainerRun runner;
    private final PrintStream out;
    private final PluginRegistry ownedPlugins;
    private volatile boolean closed;

    /**
     * Builds everything or nothing: when any part fails, what was created before it is released (see
     * {@link TrainerBuilder#build()}) and the failure is rethrown.
     */
    Trainer(TrainerBuilder b) {
        BuildRollback rollback = new BuildRollback();
        try {
            TrainerSettings requested = b.settings.build();
            this.ownedPlugins = b.plugins == null ? rollback.track(PluginRegistry.discover(contextLoader(),
                    b.pluginsFolder(), b.bundlePolicy()),
                    PluginRegistry::close) : null;
            PluginRegistry plugins = b.plugins != null ? b.plugins : ownedPlugins;
            ExecutionEngine engine = EngineConnector.connect(plugins, requested.engine(),
                    ProviderContext.of(requested.defaultRootDir()));
            this.settings = requested.withEngine(engine.djlName());
            AcceleratorConnector.Components parts = AcceleratorConnector.connect(plugins, b, rollback);
            this.accelerator = parts.accelerator();
            this.strategy = parts.strategy();
            this.precision = parts.precision();
            this.out = b.out;
            MetricStore metrics = new MetricStore();
            this.loggers = new LoggerConnector(b.loggersOff || settings.fastDevRun() > 0 ? List.of()
                    : parts.named().createLoggers(b.loggerInstances, rollback), strategy.writesLogs(), metrics);
            this.state = new TrainerState(settings.loopConfig(), metrics, loggers, settings.defaultRootDir(),
                    strategy, accelerator);
            this.callbacks = new CallbackConnector(parts.named().createCallbacks(), settings, out,
                    b.interactive != null ? b.interactive : System.console() != null);
            this.dataSettings = b.dataSettings;
            this.runner = new TrainerRun(settings, engine, strategy, precision, state, loggers, callbacks,
                    b.profiler, out, b.report, b.optimizers);
            runner.dataSettings(dataSettings);
        } catch (RuntimeException | Error e) {
            rollback.release(e);
            throw e;
        }
    }

    /** A builder with Lightning's defaults. */
    public static TrainerBuilder builder() {
        return new TrainerBuilder();
    }

    private static ClassLoader contextLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Trainer.class.getClassLoader();
    }

    // ------------------------------------------------------------------ entry points

    /** Trains {@code module} on the loaders its own {@code trainDataloader()}/{@code valDataloader()} return. */
    public void fit(LightningModule module) {
        fit(module, (DataSource) null, null);
    }

    /** Trains on {@code data}: a DataModule, a training loader, or {@link DataSource#loaders}. */
    public void fit(LightningModule module, DataSource data) {
        fit(module, data, null);
    }

    /** Trains on {@code train}, validating on {@code val} (either may be null: the module's hooks then apply). */
    public void fit(LightningModule module, DataLoader train, DataLoader val) {
        fit(module, DataSource.loaders(train, val), null);
    }

    /**
     * Trains on {@code data}, resuming from {@code ckpt} when it is not null: a checkpoint written by
     * {@code saveCheckpoint} or {@code ModelCheckpoint} (Lightning's {@code ckpt_path}).
     */
    public void fit(LightningModule module, DataSource data, CkptPath ckpt) {
        Path file = resolve(ckpt);
        if (file == null) {
            // Lightning's LearningRateFinder / BatchSizeFinder callbacks tune at the start of fit.
            for (Callback c : callbacks.callbacks()) {
                if (c instanceof FitTuning t) {
                    t.tuneBeforeFit(this, module, data);
                }
            }
        }
        call(Stage.FIT, module, data, file, run -> {
            FitLoop.Resume resume = file == null ? null
                    : new FitLoop.Resume(CheckpointConnector.read(strategy, file, run.manager(), module),
                            file.toString());
            new FitLoop(run, DataSources.of(module, data, Stage.FIT), resume).run();
            return null;
        });
    }

    /**
     * A tuner's trial fit (see {@link TuningAccess}): at most {@code steps} optimizer steps with only
     * {@code tuningCallbacks}, no validation, checkpoints or logging; the module's weights and this Trainer's
     * progress are put back afterwards, as Lightning's tuner restores its checkpoint.
     */
    void tuningFit(LightningModule module, DataSource data, List<Callback> tuningCallbacks, long steps) {
        Objects.requireNonNull(module, "module");
        LightningDataModule dm = data instanceof LightningDataModule m ? m : null;
        Runnable restoreProgress = state.progressRestorer();
        ParameterSnapshot weights = new ParameterSnapshot(module);
        List<Callback> all = new java.util.ArrayList<>();
        all.add(weights);
        all.addAll(tuningCallbacks);
        TrainerRun.Tuning tuning = new TrainerRun.Tuning(settings.forTuning(state.globalStep() + steps), all);
        try {
            runner.tune(module, dm, tuning, run -> {
                new FitLoop(run, DataSources.of(module, data, Stage.FIT), null).run();
                return null;
            });
        } finally {
            weights.restore(settings.engine());
            restoreProgress.run();
        }
    }

    /** Runs one validation epoch on the module's own {@code valDataloader()}; one map per loader. */
    public List<Map<String, Double>> validate(LightningModule module) {
        return validate(module, null, null);
    }

    /** Runs one validation epoch on {@code data}; returns the metrics logged, one map per loader. */
    public List<Map<String, Double>> validate(LightningModule module, DataSource data) {
        return validate(module, data, null);
    }

    /** Validates with the weights of {@code ckpt} (when not null). */
    public List<Map<String, Double>> validate(LightningModule module, DataSource data, CkptPath ckpt) {
        return evaluate(Stage.VALIDATE, module, data, ckpt);
    }

    /** Runs one test epoch on the module's own {@code testDataloader()}; one map per loader. */
    public List<Map<String, Double>> test(LightningModule module) {
        return test(module, null, null);
    }

    /** Runs one test epoch on {@code data}; returns the metrics logged, one map per loader. */
    public List<Map<String, Double>> test(LightningModule module, DataSource data) {
        return test(module, data, null);
    }

    /** Tests with the weights of {@code ckpt} (when not null). */
    public List<Map<String, Double>> test(LightningModule module, DataSource data, CkptPath ckpt) {
        return evaluate(Stage.TEST, module, data, ckpt);
    }

    private List<Map<String, Double>> evaluate(Stage stage, LightningModule module, DataSource data, CkptPath ckpt) {
        Path file = resolve(ckpt);
        List<Map<String, Double>> metrics = call(stage, module, data, file, run -> {
            loadWeights(run, module, file);
            DataSources sources = DataSources.of(module, data, stage);
            return stage == Stage.TEST ? Loops.test(run, sources) : Loops.validate(run, sources);
        });
        printResults(stage == Stage.TEST ? "Test" : "Validate", metrics);
        return metrics;
    }

    /**
     * Validates on several loaders in turn (Lightning's {@code trainer.validate(model, [dl0, dl1])}): the step gets
     * each batch's loader index, names logged get {@code /dataloader_idx_N}, and one map of metrics comes back per
     * loader.
     */
    public List<Map<String, Double>> validate(LightningModule module, List<DataLoader> loaders) {
        return validate(module, DataSource.several(loaders), null);
    }

    /** Tests on several loaders in turn; as {@link #validate(LightningModule, List)}. */
    public List<Map<String, Double>> test(LightningModule module, List<DataLoader> loaders) {
        return test(module, DataSource.several(loaders), null);
    }

    /**
     * Predicts over several loaders in turn; {@link Predictions#ofDataloader(int)} gives each loader's outputs
     * (Lightning returns a list per loader).
     */
    public Predictions<Object> predict(LightningModule module, List<DataLoader> loaders) {
        return predict(module, DataSource.several(loaders), (CkptPath) null);
    }

    /** Predicts over the module's own {@code predictDataloader()}. */
    public Predictions<Object> predict(LightningModule module) {
        return predict(module, null, (CkptPath) null);
    }

    /**
     * Runs {@code predictStep} over every batch of {@code data} and returns the outputs in order. NDArray outputs
     * live in the returned object's memory: valid after this Trainer is closed, until it is closed.
     */
    public Predictions<Object> predict(LightningModule module, DataSource data) {
        return predict(module, data, (CkptPath) null);
    }

    /** Predicts with the weights of {@code ckpt} (when not null). */
    public Predictions<Object> predict(LightningModule module, DataSource data, CkptPath ckpt) {
        Path file = resolve(ckpt);
        return call(Stage.PREDICT, module, data, file, run -> {
            loadWeights(run, module, file);
            NDManager memory = NDManager.newBaseManager(strategy.rootDevice(), settings.engine());
            try {
                Loops.PredictOutputs outputs = Loops.predict(run, DataSources.of(module, data, Stage.PREDICT),
                        memory);
                return Predictions.of(outputs.outputs(), outputs.perLoader(), memory);
            } catch (RuntimeException | Error e) {
                memory.close();
                throw e;
            }
        });
    }

    /**
     * Predicts, each batch's output typed as {@code type} (a one-array NDList counts as its NDArray); fails
     * naming the first batch whose output is something else.
     */
    public <T> Predictions<T> predict(LightningModule module, DataSource data, Class<T> type) {
        return predict(module, data, null, type);
    }

    /** As {@link #predict(LightningModule, DataSource, Class)}, with the weights of {@code ckpt} (when not null). */
    public <T> Predictions<T> predict(LightningModule module, DataSource data, CkptPath ckpt, Class<T> type) {
        Predictions<Object> all = predict(module, data, ckpt);
        try {
            return all.as(type);
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
    }

    private <T> T call(Stage stage, LightningModule module, DataSource data, Path ckpt,
                       Function<RunContext, T> body) {
        Objects.requireNonNull(module, "module");
        LightningDataModule dm = data instanceof LightningDataModule m ? m : null;
        return runner.run(stage, module, dm, ckpt, body);
    }

    /** The file {@code ckpt} names, resolved before the call starts so a bad path fails before any work. */
    private Path resolve(CkptPath ckpt) {
        return ckpt == null ? null : CheckpointConnector.resolve(ckpt, callbacks.callbacks(), state);
    }

    private void loadWeights(RunContext run, LightningModule module, Path file) {
        if (file != null) {
            Loops.restoreWeights(run, CheckpointConnector.read(strategy, file, run.manager(), module),
                    file.toString());
        }
    }

    /** Lightning's results table: a row per metric, a column per loader (blank where a loader lacks it). */
    private void printResults(String what, List<Map<String, Double>> metrics) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        metrics.forEach(m -> names.addAll(m.keySet()));
        if (!settings.enableProgressBar() || names.isEmpty() || !strategy.isGlobalZero()) {
            return;
        }
        int width = Math.max(20, names.stream().mapToInt(String::length).max().orElse(0) + 2);
        String rule = "-".repeat(width + 22 * metrics.size());
        out.println(rule);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", what + " metric"));
        for (int i = 0; i < metrics.size(); i++) {
            header.append(String.format(Locale.ROOT, "%22s", "DataLoader " + i));
        }
        out.println(header);
        out.println(rule);
        for (String name : names) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", name));
            for (Map<String, Double> m : metrics) {
                Double v = m.get(name);
                row.append(v == null ? " ".repeat(22) : String.format(Locale.ROOT, "%22.6g", v));
            }
            out.println(row);
        }
        out.println(rule);
    }

    // ------------------------------------------------------------------ control and view

    /** Stops whatever runs at the next batch boundary with {@link TrainingCancelledException}; thread-safe. */
    public void cancel() {
        state.cancel();
    }

    /** Asks training to stop at the next batch boundary (Lightning's {@code should_stop = True}); thread-safe. */
    public void requestStop() {
        state.requestStop();
    }

    /** What callbacks see of this Trainer: progress, metrics, loggers; readable from any thread. */
    public TrainerView view() {
        return state;
    }

    /** The arguments after defaults and {@code fast_dev_run} were applied. */
    public TrainerSettings settings() {
        return settings;
    }

    /** {@code overfit_batches}, {@code reload_dataloaders_every_n_epochs} and {@code inference_mode}. */
    public DataSettings dataSettings() {
        return dataSettings;
    }

    public Accelerator accelerator() {
        return accelerator;
    }

    /** The devices of this process. */
    public List<Device> devices() {
        return List.of(strategy.rootDevice());
    }

    public Strategy strategy() {
        return strategy;
    }

    public Precision precision() {
        return precision;
    }

    /** The callbacks in the order they run (user callbacks first, then the built-ins, checkpoint callbacks last). */
    public List<Callback> callbacks() {
        return callbacks.callbacks();
    }

    /**
     * Ends the loggers (status success) and releases the devices; predictions stay valid. Called from another thread while a call runs, it
     * first cancels that call and waits until it has ended (the call fails with {@link TrainingCancelledException},
     * its loggers finished as interrupted with everything logged until then); from inside a running call (a
     * callback, a hook) it is refused. A closed Trainer refuses new calls, saying when it was closed.
     */
    @Override
    public void close() {
        runner.close();
        if (closed) {
            return;
        }
        closed = true;
        try {
            loggers.finish(RunStatus.SUCCESS, null);
        } finally {
            strategy.teardown();
            accelerator.teardown();
            if (ownedPlugins != null) {
                ownedPlugins.close();
            }
        }
    }
}
