package io.fulmen.runtime.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.callback.Callback;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.config.DataSettings;
import io.fulmen.runtime.config.TrainerSettings;
import io.fulmen.spi.Autograd;
import io.fulmen.spi.ExecutionEngine;
import io.fulmen.spi.Precision;
import io.fulmen.spi.Strategy;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Everything one fit/validate/test/predict call works with; lives for the call. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class RunContext {
    final TrainerState state;
    final TrainerSettings settings;
    final LightningModule module;
    final LightningDataModule dataModule;
    final List<Callback> callbacks;
    final Strategy strategy;
    final Precision precision;
    final Autograd autograd;
    final String engine;
    final ExecutionEngine executionEngine;
    final Device device;
    final NDManager manager;
    final ModuleBridge bridge;
    final Hooks hooks;
    final RunGate gate;
    /** The Trainer's optimizers in place of the module's {@code configureOptimizers()}, or null. */
    final Supplier<OptimizerConfig> optimizers;
    final DataSettings data;

    /** Everything one call works with, {@code data} holding the data arguments ({@code overfit_batches}…). */
    public RunContext(TrainerState state, TrainerSettings settings, LightningModule module,
                      LightningDataModule dataModule, List<Callback> callbacks, Strategy strategy,
                      Precision precision, ExecutionEngine engine, Autograd autograd, NDManager manager,
                      RunGate gate, Supplier<OptimizerConfig> optimizers, DataSettings data) {
        this.optimizers = optimizers;
        this.data = data;
        this.state = state;
        this.settings = settings;
        this.module = module;
        this.dataModule = dataModule;
        this.callbacks = List.copyOf(callbacks);
        this.strategy = strategy;
        this.precision = precision;
        this.autograd = autograd;
        this.engine = engine.djlName();
        this.executionEngine = engine;
        this.device = strategy.rootDevice();
        this.manager = manager;
        this.gate = gate;
        this.bridge = new ModuleBridge(this);
        this.hooks = new Hooks(this.callbacks, state, module);
    }

    /** The hook dispatcher of this call. */
    public Hooks hooks() {
        return hooks;
    }

    public ModuleBridge bridge() {
        return bridge;
    }

    /** The manager of this call: freed when the call ends. */
    public NDManager manager() {
        return manager;
    }

    /** Throws when the run was cancelled from another thread. */
    void checkCancelled() {
        if (state.isCancelled()) {
            throw new TrainingCancelledException("the run was cancelled during " + state.stage().lightningName()
                    + " at epoch " + state.currentEpoch() + ", global step " + state.globalStep());
        }
    }

    /** Sends metrics to the loggers, adding Lightning's {@code epoch} column when {@code withEpoch}. */
    void logToLoggers(Map<String, Double> metrics, long step, boolean withEpoch) {
        state.loggerConnector().logMetrics(metrics, step, withEpoch ? state.currentEpoch() : null);
    }
}
