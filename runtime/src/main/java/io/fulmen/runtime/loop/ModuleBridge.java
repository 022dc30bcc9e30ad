package io.fulmen.runtime.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.fulmen.LightningOptimizer;
import io.fulmen.LogOptions;
import io.fulmen.Metric;
import io.fulmen.MetricSync;
import io.fulmen.ModuleContext;
import io.fulmen.ParameterOwner;
import io.fulmen.TrainerView;
import io.fulmen.internal.ModuleAccess;
import io.fulmen.runtime.engine.StepSeeds;
import io.fulmen.runtime.metrics.MetricStore;
import io.fulmen.runtime.metrics.StrategyMetricSync;
import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Trainer as the module sees it: forward with lazy initialisation, logging, optimizers, manual backward. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class ModuleBridge implements ModuleContext {
    /**
     * libtorch's random generator is process-wide: parameter initialisation seeds it and draws from it under this
     * lock, so a seeded Trainer initialises identically even while another Trainer runs in the same JVM.
     */
    private static final Object ENGINE_RNG_LOCK = new Object();

    private final RunContext run;
    private final MetricSync metricSync;
    private MetricStore.Scope scope = MetricStore.Scope.TRAIN;
    private boolean stepHook;
    private int batchSize = 1;
    private int batchIdx = -1;
    private int dataloaderIdx = -1;
    private final Map<String, Integer> unsuffixedBy = new HashMap<>();
    private Backward backward;
    private PrecisionParameterStore precisionStore;

    ModuleBridge(RunContext run) {
        this.run = run;
        this.metricSync = new StrategyMetricSync(run.strategy, run.manager);
    }

    /** Where {@code log} calls go from now on. */
    void enter(MetricStore.Scope newScope, boolean inStepHook, int currentBatchSize) {
        enter(newScope, inStepHook, currentBatchSize, -1);
    }

    /** As {@link #enter(MetricStore.Scope, boolean, int)}, inside batch {@code index} of the loop. */
    void enter(MetricStore.Scope newScope, boolean inStepHook, int currentBatchSize, int index) {
        this.scope = newScope;
        this.stepHook = inStepHook;
        this.batchSize = currentBatchSize;
        this.batchIdx = index;
    }

    /** The evaluation loader running now when there are several (its index suffixes logged names), else -1. */
    void dataloader(int index) {
        this.dataloaderIdx = index;
        if (index < 0) {
            unsuffixedBy.clear();
        }
    }

    private String key(String name, LogOptions options) {
        if (dataloaderIdx < 0) {
            return name;
        }
        if (options.isAddDataloaderIdx()) {
            return EvaluationLoop.suffixed(name, dataloaderIdx);
        }
        // Lightning refuses one bare name from two loaders: their values would be averaged together.
        Integer first = unsuffixedBy.putIfAbsent(name, dataloaderIdx);
        if (first != null && first != dataloaderIdx) {
            throw new IllegalArgumentException("log('" + name + "') with addDataloaderIdx(false) from dataloader "
                    + first + " and dataloader " + dataloaderIdx + ": log a different name from each loader, or "
                    + "let the index be appended (the default)");
        }
        return name;
    }

    void backward(Backward b) {
        this.backward = b;
    }

    @Override
    public NDList runBlock(Block block, NDList inputs, boolean training) {
        ParameterMemory memory = memory();
        try {
            if (!memory.isInitialized(block)) {
                if (!block.isInitialized()) {
                    initialize(block, inputs, memory);
                }
                memory.markInitialized(block);
                run.strategy.parametersInitialized(block.getParameters().values());
            }
            NDList converted = run.precision.convertInput(inputs);
            PrecisionParameterStore store = store(memory);
            NDManager previous = store.enter(converted.isEmpty() ? null : converted.head().getManager());
            try {
                return run.precision.convertOutput(run.executionEngine.forward(block, store, converted, training));
            } finally {
                store.enter(previous);
            }
        } catch (RuntimeException e) {
            throw BlockFailure.withContext(e, block, inputs, where());
        }
    }

    /** The store that hands the block its parameters through the precision; one per parameter memory. */
    private PrecisionParameterStore store(ParameterMemory memory) {
        if (precisionStore == null || precisionStore.parameters() != memory.store()) {
            precisionStore = new PrecisionParameterStore(memory.store(), run.precision);
        }
        return precisionStore;
    }

    /** "in fit (epoch 0, global step 12, batch 3)", for errors. */
    private String where() {
        var stage = run.state.stage();
        StringBuilder s = new StringBuilder("in ").append(stage == null ? "a call" : stage.lightningName());
        if (run.state.isSanityChecking()) {
            s.append(" (sanity check");
        } else {
            s.append(" (epoch ").append(run.state.currentEpoch()).append(", global step ")
                    .append(run.state.globalStep());
        }
        if (batchIdx >= 0) {
            s.append(", batch ").append(batchIdx);
        }
        return s.append(')').toString();
    }

    /**
     * Moves parameters a module already holds onto this call's engine before anything touches them (a module
     * trained on PyTorch, then tested on TensorFlow, then trained again).
     */
    public void adoptParameters() {
        if (ModuleAccess.parameterOwner(run.module) != null) {
            memory();
        }
    }

    private ParameterMemory memory() {
        ParameterOwner owner = ModuleAccess.parameterOwner(run.module);
        if (owner == null) {
            ParameterMemory created = new ParameterMemory(run.device, run.engine);
            ModuleAccess.parameterOwner(run.module, created);
            return created;
        }
        if (!(owner instanceof ParameterMemory m)) {
            throw new IllegalStateException("the module's parameters are owned by " + owner.getClass().getName()
                    + ", not by a Fulmen runtime");
        }
        if (!m.device().equals(run.device)) {
            throw new IllegalStateException("the module's parameters live on " + m.device() + " but this run uses "
                    + run.device + "; use the same accelerator and devices for every call on one module");
        }
        if (!m.engine().equals(run.engine)) {
            ParameterMemory moved = m.movedTo(run.engine);
            ModuleAccess.parameterOwner(run.module, moved);
            return moved;
        }
        return m;
    }

    private void initialize(Block block, NDList inputs, ParameterMemory memory) {
        Shape[] shapes = inputs.getShapes();
        DataType type = run.precision.parameterType();
        synchronized (ENGINE_RNG_LOCK) {
            int ordinal = memory.nextBlockOrdinal();
            if (run.settings.seed() != null) {
                long mixed = run.settings.seed() * 1_000_003L + ordinal;
                Engine.getEngine(run.engine).setRandomSeed((int) (mixed ^ (mixed >>> 32)));
            }
            if (run.autograd != null) {
                block.initialize(memory.manager(), type, shapes);
            } else {
                initializeWithoutGradients(block, memory, type, shapes);
            }
            if (run.settings.seed() != null && run.state.isTraining()) {
                // Initialisation reseeded the generator; a lazy one in a training step must not change what the
                // step draws, or a resumed fit (initialised at another step) would draw differently.
                StepSeeds.seedBatch(run.engine, run.settings.seed(), run.state.progress().totalBatchIdx(),
                        run.state.globalRank());
            }
        }
    }

    /**
     * An engine without gradients cannot mark arrays as requiring them, which DJL does while initialising: the
     * parameters are initialised frozen, then get their flag back without touching the array (DJL's
     * {@code freeze(false)} sets the flag, then fails on the array). A later move to an engine that trains marks the
     * arrays ({@link ParameterMemory#movedTo}).
     */
    private static void initializeWithoutGradients(Block block, ParameterMemory memory, DataType type,
                                                   Shape[] shapes) {
        java.util.List<ai.djl.nn.Parameter> trainable = new java.util.ArrayList<>();
        for (ai.djl.nn.Parameter p : block.getParameters().values()) {
            if (p.requiresGradient() && !p.isInitialized()) {
                p.freeze(true);
                trainable.add(p);
            }
        }
        try {
            block.initialize(memory.manager(), type, shapes);
        } finally {
            for (ai.djl.nn.Parameter p : trainable) {
                try {
                    p.freeze(false);
                } catch (UnsupportedOperationException flagRestoredArrayUntouched) {
                    // expected on such an engine: the flag is set before DJL reaches the array
                }
            }
        }
    }

    @Override
    public void log(String name, NDArray value, LogOptions options) {
        double v;
        int count;
        if (value.getDataType() == DataType.FLOAT32) {
            float[] values = value.toFloatArray();
            count = values.length;
            v = count == 1 ? values[0] : Double.NaN;
        } else if (value.getDataType() == DataType.FLOAT64) {
            double[] values = value.toDoubleArray();
            count = values.length;
            v = count == 1 ? values[0] : Double.NaN;
        } else {
            // toType to the array's own type returns the array itself: only a real copy may be closed here.
            try (NDArray asDouble = value.toType(DataType.FLOAT64, true)) {
                double[] values = asDouble.toDoubleArray();
                count = values.length;
                v = count == 1 ? values[0] : Double.NaN;
            }
        }
        if (count != 1) {
            throw new IllegalArgumentException("log('" + name + "') takes a scalar, got an array of shape "
                    + value.getShape() + ": reduce it first, e.g. with mean()");
        }
        log(name, v, options);
    }

    @Override
    public void log(String name, double value, LogOptions options) {
        double v = value;
        if (options.isSyncDist() && run.strategy.worldSize() > 1) {
            // Lightning's sync_dist: the value is reduced over ranks when logged, with the log's own reduction.
            v = run.strategy.reduce(value, switch (options.reduce()) {
                case SUM -> ReduceOp.SUM;
                case MAX -> ReduceOp.MAX;
                case MIN -> ReduceOp.MIN;
                default -> ReduceOp.MEAN;
            });
        }
        run.state.metrics().log(scope, stepHook, key(name, options), v, batchSize, options);
    }

    @Override
    public void log(String name, Metric metric, LogOptions options) {
        run.state.metrics().log(scope, stepHook, key(name, options), metric, options, metricSync);
    }

    @Override
    public List<LightningOptimizer> optimizers() {
        List<LightningOptimizer> list = run.state.optimizers();
        if (list.isEmpty()) {
            throw new IllegalStateException("optimizers() is only available during fit, after configureOptimizers");
        }
        return list;
    }

    @Override
    public void manualBackward(NDArray loss) {
        if (backward == null) {
            throw new IllegalStateException("manualBackward is only available in trainingStep during fit");
        }
        backward.run(loss);
    }

    @Override
    public TrainerView trainer() {
        return run.state;
    }

    @Override
    public void cancelRunAndAwait() {
        run.gate.cancelAndAwait("the module " + run.module.getClass().getSimpleName());
    }
}
