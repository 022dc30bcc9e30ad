package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import io.fulmen.GradientClipper;
import io.fulmen.LightningOptimizer;
import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.spi.OptimizerStep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optimizers of one fit: steps (with the step hooks, precision and clipping in Lightning's order), zero_grad,
 * gradient clipping, and learning-rate schedules.
 */
final class Optimization implements LightningOptimizer.Host, GradientClipper {
    private final RunContext run;
    private final List<LightningOptimizer> optimizers = new ArrayList<>();
    private final LrSchedules schedules;
    private final Map<LightningOptimizer, ParameterList> parameters = new IdentityHashMap<>();
    private final Map<LightningOptimizer, List<Parameter>> parameterValues = new IdentityHashMap<>();
    /** Optimizers whose gradients are known to be zero: their next zero_grad has nothing to do. */
    private final Set<LightningOptimizer> gradientsZero = Collections.newSetFromMap(new IdentityHashMap<>());

    Optimization(RunContext run, OptimizerConfig config) {
        this.run = run;
        int i = 0;
        for (OptimizerConfig.Entry e : config.entries()) {
            LightningOptimizer lo = new LightningOptimizer(e.optimizer(), i++, this);
            e.optimizer().bind(run.manager);
            e.optimizer().useKernels(run.executionEngine.optimizerKernels().orElse(null));
            optimizers.add(lo);
        }
        this.schedules = new LrSchedules(optimizers, config, run.module.isAutomaticOptimization());
    }

    /** The learning-rate schedules. */
    LrSchedules schedules() {
        return schedules;
    }

    List<LightningOptimizer> optimizers() {
        return optimizers;
    }

    /** The parameters of {@code o} as a list, cached like {@link #parametersOf}. */
    List<Parameter> parameterValuesOf(LightningOptimizer o) {
        List<Parameter> cached = parameterValues.get(o);
        if (cached != null) {
            return cached;
        }
        ParameterList named = parametersOf(o);
        List<Parameter> values = named.values();
        if (parameters.get(o) == named) {
            parameterValues.put(o, values);
        }
        return values;
    }

    /** Called after every backward: gradients are no longer known to be zero. */
    void gradientsChanged() {
        gradientsZero.clear();
    }

    /** The parameters {@code o} updates; cached once the module's block is initialised. */
    ParameterList parametersOf(LightningOptimizer o) {
        ParameterList cached = parameters.get(o);
        if (cached != null) {
            return cached;
        }
        ParameterList list = o.optimizer().parametersOf(run.module.block());
        if (list.values().stream().allMatch(Parameter::isInitialized)) {
            parameters.put(o, list);
        }
        return list;
    }

    /** Every parameter some optimizer updates, each once: what backward produces gradients for. */
    List<Parameter> allParameters() {
        if (optimizers.size() == 1) {
            return parameterValuesOf(optimizers.get(0));
        }
        Set<Parameter> all = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> out = new ArrayList<>();
        for (LightningOptimizer o : optimizers) {
            for (Parameter p : parameterValuesOf(o)) {
                if (all.add(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** A step of {@code optimizer}, ordered by the strategy; the global step counts it unless the closure had no loss. */
    @Override
    public void step(LightningOptimizer optimizer, Runnable closure) {
        Step step = new Step(optimizer, closure);
        try {
            run.strategy.optimizerStep(step);
        } finally {
            step.restoreGradMode();
        }
        if (step.closureRan) {
            run.state.progress().optimizerStepped();
        }
    }

    /**
     * The parts of one step that the strategy orders. Clipping and the update run without gradient recording,
     * switched off once by whichever comes first and back on when the step ends.
     */
    private final class Step implements OptimizerStep {
        private final LightningOptimizer optimizer;
        private final Runnable closure;
        private boolean closureRan;
        private boolean gradDisabled;
        private boolean previousGrad;

        Step(LightningOptimizer optimizer, Runnable closure) {
            this.optimizer = optimizer;
            this.closure = closure;
        }

        @Override
        public boolean runClosure() {
            if (closure != null) {
                closure.run();
                if (closure instanceof TrainingClosure tc && tc.skipped()) {
                    return false;
                }
            }
            closureRan = true;
            return true;
        }

        @Override
        public List<Parameter> parameters() {
            return parameterValuesOf(optimizer);
        }

        @Override
        public void beforeOptimizerStep() {
            run.hooks.beforeOptimizerStep(optimizer);
        }

        @Override
        public void clipGradients() {
            disableGrad();
            run.module.configureGradientClipping(optimizer, Optimization.this);
            if (run.settings.detectAnomaly()) {
                AnomalyCheck.gradients(parametersOf(optimizer), run.state);
            }
        }

        @Override
        public void update() {
            disableGrad();
            optimizer.optimizer().step(parametersOf(optimizer));
            if (optimizer.optimizer().stepZeroesGradients()) {
                gradientsZero.add(optimizer);
            }
        }

        private void disableGrad() {
            if (!gradDisabled) {
                previousGrad = run.autograd.setGradEnabled(false);
                gradDisabled = true;
            }
        }

        void restoreGradMode() {
            if (gradDisabled) {
                run.autograd.setGradEnabled(previousGrad);
                gradDisabled = false;
            }
        }
    }

    @Override
    public void zeroGrad(LightningOptimizer optimizer) {
        if (gradientsZero.contains(optimizer)) {
            return;
        }
        for (Parameter p : parameterValuesOf(optimizer)) {
            if (p.isInitialized() && p.requiresGradient()) {
                run.autograd.zeroGrad(p.getArray());
            }
        }
        if (parameters.containsKey(optimizer)) {
            gradientsZero.add(optimizer);
        }
    }

    /** Zeroes every parameter's gradient (Lightning's silent {@code zero_grad(set_to_none=True)} calls). */
    void zeroAll() {
        for (LightningOptimizer o : optimizers) {
            zeroGrad(o);
        }
    }

    @Override
    public double clipValue() {
        return run.settings.gradientClipVal();
    }

    @Override
    public ClipAlgorithm algorithm() {
        return run.settings.gradientClipAlgorithm();
    }

    @Override
    public void clipGradients(LightningOptimizer optimizer, double clipValue, ClipAlgorithm algorithm) {
        if (clipValue <= 0) {
            return;
        }
        List<NDArray> grads = new ArrayList<>();
        try {
            for (Parameter p : parametersOf(optimizer).values()) {
                if (p.isInitialized() && p.requiresGradient()) {
                    grads.add(p.getArray().getGradient());
                }
            }
            if (algorithm == ClipAlgorithm.VALUE) {
                for (NDArray g : grads) {
                    try (NDArray clipped = g.clip(-clipValue, clipValue); NDArray delta = clipped.sub(g)) {
                        g.addi(delta);
                    }
                }
                return;
            }
            double sumSquares = 0;
            for (NDArray g : grads) {
                try (NDArray n = g.norm()) {
                    double v = scalar(n);
                    sumSquares += v * v;
                }
            }
            double coefficient = clipValue / (Math.sqrt(sumSquares) + 1e-6);
            if (coefficient < 1.0) {
                for (NDArray g : grads) {
                    g.muli((float) coefficient);
                }
            }
        } finally {
            for (NDArray g : grads) {
                g.close();
            }
        }
    }

    /** A scalar of any floating type (gradients are float16 or float64 under those precisions). */
    private static double scalar(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.getDouble();
        }
        try (NDArray asDouble = a.toType(DataType.FLOAT64, false)) {
            return asDouble.getDouble();
        }
    }

    /** Advances the closed-form schedules that step on {@code interval}. */
    void stepSchedules(Interval interval) {
        schedules.stepClosedForm(interval);
    }

    /** Frees optimizer state. */
    void release() {
        for (LightningOptimizer o : optimizers) {
            o.optimizer().clearState();
        }
    }
}
