package io.fulmen.runtime;

import ai.djl.engine.Engine;
import ai.djl.training.dataset.Batch;
import ai.djl.ndarray.NDManager;
import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.callback.Callback;
import io.fulmen.internal.HookOverrides;
import io.fulmen.internal.ModuleAccess;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.config.DataSettings;
import io.fulmen.runtime.config.TrainerSettings;
import io.fulmen.spi.Autograd;
import io.fulmen.spi.ExecutionEngine;
import io.fulmen.runtime.logger.LoggerConnector;
import io.fulmen.runtime.loop.RunContext;
import io.fulmen.runtime.loop.RunGate;
import io.fulmen.runtime.loop.TrainerState;
import io.fulmen.runtime.loop.TrainingCancelledException;
import io.fulmen.runtime.profiler.CallProfiler;
import io.fulmen.runtime.profiler.Profiler;
import io.fulmen.spi.Precision;
import io.fulmen.spi.RunStatus;
import io.fulmen.spi.Strategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one funnel every fit/validate/test/predict call goes through (Lightning's {@code _run} with
 * {@code _call_and_handle_interrupt}): one call at a time, data preparation on rank zero, setup hooks, the stage's
 * loop, teardown hooks, and on failure {@code onException} for every callback and the loggers finished as failed
 * or interrupted.
 */
final class TrainerRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerRun.class);
    private final TrainerSettings settings;
    private final ExecutionEngine engine;
    private final Strategy strategy;
    private final Precision precision;
    private final TrainerState state;
    private final LoggerConnector loggers;
    private final CallbackConnector callbacks;
    private final RunGate gate;
    private final String profiler;
    private final PrintStream out;
    private final boolean report;
    private final Supplier<OptimizerConfig> optimizers;
    private DataSettings dataSettings = DataSettings.DEFAULTS;

    TrainerRun(TrainerSettings settings, ExecutionEngine engine, Strategy strategy, Precision precision,
               TrainerState state, LoggerConnector loggers, CallbackConnector callbacks, String profiler, PrintStream out,
               boolean report, Supplier<OptimizerConfig> optimizers) {
        this.report = report;
        this.optimizers = optimizers;
        this.profiler = profiler;
        this.out = out;
        this.settings = settings;
        this.engine = engine;
        this.strategy = strategy;
        this.precision = precision;
        this.state = state;
        this.loggers = loggers;
        this.callbacks = callbacks;
        this.gate = new RunGate(state);
    }

    /** The data arguments every call's loops get; set once, while the Trainer is built. */
    void dataSettings(DataSettings value) {
        this.dataSettings = value;
    }

    /** Refuses new calls, cancels a running one from another thread and waits for it to end. */
    void close() {
        gate.close();
    }

    /**
     * One call, profiled from its first to its last instruction when a profiler is set (so the profiler's total is
     * the call's wall time), then reported on when asked.
     */
    <T> T run(Stage stage, LightningModule module, LightningDataModule dm, Path ckptPath,
              Function<RunContext, T> body) {
        CallProfiler timing = CallProfiler.of(profiler);
        T result;
        if (timing == null) {
            result = call(stage, module, dm, ckptPath, body, Profiler.OFF);
        } else {
            timing.start();
            try {
                result = call(stage, module, dm, ckptPath, body, timing.hooks());
            } finally {
                publish(timing, stage.lightningName());
            }
        }
        if (report && stage == Stage.FIT && strategy.isGlobalZero() && state.logDir() != null) {
            RunReport.write(state.logDir(), module, out);
        }
        return result;
    }

    /** A tuner's trial fit: its own settings and callbacks, nothing sent to the loggers (see {@link #tune}). */
    record Tuning(TrainerSettings settings, List<Callback> callbacks) {}

    /**
     * A trial fit of a tuner (Lightning's {@code lr_find} and {@code scale_batch_size} runs): {@code tuning}'s
     * settings and callbacks replace the Trainer's, and the loggers hear nothing of it.
     */
    <T> T tune(LightningModule module, LightningDataModule dm, Tuning tuning, Function<RunContext, T> body) {
        loggers.mute(true);
        try {
            return call(Stage.FIT, module, dm, null, body, Profiler.OFF, tuning);
        } finally {
            loggers.mute(false);
        }
    }

    private <T> T call(Stage stage, LightningModule module, LightningDataModule dm, Path ckptPath,
                       Function<RunContext, T> body, Profiler timing) {
        return call(stage, module, dm, ckptPath, body, timing, null);
    }

    private <T> T call(Stage stage, LightningModule module, LightningDataModule dm, Path ckptPath,
                       Function<RunContext, T> body, Profiler timing, Tuning tuning) {
        requireHooks(stage, module, optimizers != null);
        EngineChecks.beforeCall(engine, stage, module);
        gate.enter(stage);
        state.resetForCall(stage, ckptPath);
        var all = tuning != null ? tuning.callbacks() : callbacks.withModuleCallbacks(module.configureCallbacks());
        TrainerSettings callSettings = tuning != null ? tuning.settings() : settings;
        T result;
        try (NDManager manager = NDManager.newBaseManager(strategy.rootDevice(), settings.engine())) {
            RankRunDirectories.agree(strategy, state.loggers());
            manager.setName("fulmen-" + stage.lightningName());
            RunContext run = new RunContext(state, callSettings, module, dm, all, strategy, precision, engine,
                    autograd(), manager, gate, optimizers, dataSettings);
            run.hooks().profileWith(timing);
            ModuleAccess.attach(module, run.bridge());
            try {
                run.bridge().adoptParameters();
                result = setUpRunAndTearDown(stage, module, dm, run, body);
                strategy.flushCheckpoints();
                loggers.save();
            } catch (RuntimeException | Error e) {
                run.hooks().exception(e);
                flushCheckpointsAfter(e);
                if (tuning == null) {
                    loggers.finish(e instanceof TrainingCancelledException ? RunStatus.INTERRUPTED
                            : RunStatus.FAILED, e);
                }
                throw e;
            } finally {
                ModuleAccess.detach(module, run.bridge());
            }
        } finally {
            state.endCall();
            gate.exit();
        }
        return result;
    }

    /**
     * Lightning's {@code _verify_loop_configurations}: the steps a stage needs, checked before any work; a
     * missing one fails with the same message the hook's default gives.
     */
    private static void requireHooks(Stage stage, LightningModule module, boolean optimizersGiven) {
        switch (stage) {
            case FIT -> {
                require(module, "trainingStep", "trainingStep(Batch, int)", "Trainer.fit", Batch.class, int.class);
                if (!optimizersGiven) {
                    require(module, "configureOptimizers",
                            "configureOptimizers() (return OptimizerConfig.of(optimizer))", "Trainer.fit");
                }
            }
            case VALIDATE -> requireEither(module, "validationStep", "Trainer.validate");
            case TEST -> requireEither(module, "testStep", "Trainer.test");
            case PREDICT -> { } // predictStep defaults to forward
        }
    }

    /** An evaluation step in its two-argument form, or in the form that takes the loader's index. */
    private static void requireEither(LightningModule module, String method, String neededFor) {
        if (!HookOverrides.isOverridden(module, LightningModule.class, method, Batch.class, int.class, int.class)) {
            require(module, method, method + "(Batch, int)", neededFor, Batch.class, int.class);
        }
    }

    private static void require(LightningModule module, String method, String signature, String neededFor,
                                Class<?>... parameters) {
        if (!HookOverrides.isOverridden(module, LightningModule.class, method, parameters)) {
            throw HookOverrides.missing(module, signature, neededFor);
        }
    }

    /**
     * Rank zero prints the profiler's table and writes it beside the logs (or in the root folder without any); a
     * file that cannot be written is a warning, never the call's failure.
     */
    private void publish(CallProfiler timing, String stage) {
        Path dir = state.logDir() != null ? state.logDir() : settings.defaultRootDir();
        try {
            timing.stopAndPublish(stage, !strategy.isGlobalZero() ? null : dir != null ? dir : Path.of("."), out);
        } catch (UncheckedIOException e) {
            LOG.warn("{}", e.getMessage(), e);
        }
    }

    /** Checkpoints already issued still reach the disk when a call fails; a failure there is added to the cause. */
    private void flushCheckpointsAfter(Throwable cause) {
        try {
            strategy.flushCheckpoints();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private <T> T setUpRunAndTearDown(Stage stage, LightningModule module, LightningDataModule dm, RunContext run,
                                      Function<RunContext, T> body) {
        if (stage == Stage.FIT && settings.seed() != null) {
            Engine.getEngine(settings.engine()).setRandomSeed(mixedSeed(settings.seed()));
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
        run.hooks().setup(stage);
        module.configureModel();
        loggers.logHyperparameters(module, dm);
        T result = body.apply(run);
        if (dm != null) {
            dm.teardown(stage);
        }
        run.hooks().teardown(stage);
        return result;
    }

    /** The engine's seed is an int: a long seed is folded, not truncated, so seeds above 2^31 stay distinct. */
    static int mixedSeed(long seed) {
        return seed == (int) seed ? (int) seed : (int) (seed ^ (seed >>> 32));
    }

    /** The engine's autograd; an inference-only engine has none and can still validate, test and predict. */
    private Autograd autograd() {
        return engine.newAutograd().orElse(null);
    }
}
