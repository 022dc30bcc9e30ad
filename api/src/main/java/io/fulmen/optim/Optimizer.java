package io.fulmen.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer whose state Fulmen owns: every buffer (momentum, Adam moments) and counter lives here, under the
 * parameter's name, and can be exported and imported exactly ({@link #exportState(NDManager)} /
 * {@link #importState}), which is what makes bit-exact resume possible. DJL's own optimizers keep their state private.
 *
 * <p>The Trainer calls {@link #step} with autograd off, once per optimizer step. Implementations update weights in
 * place, using DJL's fused engine kernels where they exist.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public abstract class Optimizer {
    private final float initialLearningRate;
    private volatile float learningRate;
    private final Block scope;
    private final Map<String, ParameterState> states = new LinkedHashMap<>();
    private final List<ParamGroup> extraGroups = new ArrayList<>();
    private final Map<Parameter, ParamGroup> groupOf = new IdentityHashMap<>();
    private NDManager stateManager;
    private OptimizerKernels kernels;

    protected Optimizer(float learningRate, Block scope) {
        if (!(learningRate >= 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + learningRate);
        }
        this.initialLearningRate = learningRate;
        this.learningRate = learningRate;
        this.scope = scope;
    }

    /** The optimizer's name as loggers show it, e.g. {@code "Adam"} (Lightning's {@code lr-Adam}). */
    public abstract String name();

    /**
     * Whether {@link #step} leaves every updated parameter's gradient at zero (DJL's fused kernels do), which lets
     * the Trainer skip the next zero_grad.
     */
    public boolean stepZeroesGradients() {
        return false;
    }

    /** Updates {@code weight} in place from {@code grad}; {@code state} holds this parameter's buffers. */
    protected abstract void update(NDArray weight, NDArray grad, ParameterState state);

    /** The learning rate now (changed by schedules). */
    public final float learningRate() {
        return learningRate;
    }

    /** The learning rate the optimizer was built with; schedules scale from it. */
    public final float initialLearningRate() {
        return initialLearningRate;
    }

    public final void setLearningRate(float lr) {
        this.learningRate = lr;
    }

    /** The block whose parameters this optimizer updates, or null for the whole module. */
    public final Block scope() {
        return scope;
    }

    /**
     * Binds state memory to {@code manager}; called by the Trainer before the first step. State already imported
     * moves to the new manager.
     */
    public final void bind(NDManager manager) {
        this.stateManager = manager;
        for (ParameterState s : states.values()) {
            s.attach(manager);
        }
    }

    /**
     * Updates every parameter that requires a gradient; state is kept under the parameter's path in the block
     * (e.g. {@code 01Linear_weight}). Called by the Trainer with autograd off.
     */
    public void step(ParameterList parameters) {
        if (kernels != null) {
            stepByGroup(parameters);
            return;
        }
        float groupZeroLr = learningRate;
        try {
            for (Pair<String, Parameter> named : parameters) {
                Parameter p = named.getValue();
                if (!p.requiresGradient() || !p.isInitialized()) {
                    continue;
                }
                ParamGroup group = groupOf.isEmpty() ? null : groupOf.get(p);
                // update() reads learningRate(): a parameter of a later group is updated at its group's rate.
                learningRate = group == null ? groupZeroLr : group.learningRate;
                NDArray weight = p.getArray();
                ParameterState state = states.computeIfAbsent(named.getKey(), n -> new ParameterState(manager()));
                state.step++;
                try (NDArray grad = weight.getGradient()) {
                    update(weight, grad, state);
                }
            }
        } finally {
            learningRate = groupZeroLr;
        }
    }

    /**
     * {@link #step} with kernels: each parameter group's tensors go to {@link #updateTogether} in one call, and one
     * at a time to {@link #update} when it declines.
     */
    private void stepByGroup(ParameterList parameters) {
        Map<ParamGroup, List<Parameter>> byGroup = new LinkedHashMap<>();
        List<Parameter> groupZero = new ArrayList<>();
        Map<Parameter, String> names = new IdentityHashMap<>();
        for (Pair<String, Parameter> named : parameters) {
            Parameter p = named.getValue();
            if (!p.requiresGradient() || !p.isInitialized()) {
                continue;
            }
            names.put(p, named.getKey());
            ParamGroup group = groupOf.isEmpty() ? null : groupOf.get(p);
            (group == null ? groupZero : byGroup.computeIfAbsent(group, g -> new ArrayList<>())).add(p);
        }
        float groupZeroLr = learningRate;
        try {
            updateGroup(groupZero, names);
            for (Map.Entry<ParamGroup, List<Parameter>> e : byGroup.entrySet()) {
                learningRate = e.getKey().learningRate;
                updateGroup(e.getValue(), names);
            }
        } finally {
            learningRate = groupZeroLr;
        }
    }

    private void updateGroup(List<Parameter> group, Map<Parameter, String> names) {
        if (group.isEmpty()) {
            return;
        }
        List<NDArray> weights = new ArrayList<>(group.size());
        List<ParameterState> groupStates = new ArrayList<>(group.size());
        for (Parameter p : group) {
            ParameterState state = states.computeIfAbsent(names.get(p), n -> new ParameterState(manager()));
            state.step++;
            weights.add(p.getArray());
            groupStates.add(state);
        }
        if (updateTogether(weights, groupStates)) {
            return;
        }
        for (int i = 0; i < weights.size(); i++) {
            NDArray weight = weights.get(i);
            try (NDArray grad = weight.getGradient()) {
                update(weight, grad, groupStates.get(i));
            }
        }
    }

    /**
     * Lets the engine's kernels ({@link OptimizerKernels}) update this optimizer's parameters several at a time;
     * null (the default) updates them one at a time. The Trainer sets them when its engine has them.
     */
    public final void useKernels(OptimizerKernels engineKernels) {
        this.kernels = engineKernels;
    }

    /** The engine's kernels set by {@link #useKernels}, or null. */
    protected final OptimizerKernels kernels() {
        return kernels;
    }

    /**
     * Updates the tensors of one parameter group (all at {@link #learningRate()}) in one call, each state's step
     * already counted; returns false, having changed nothing, to have {@link #update} called for each instead (the
     * default). Called only when {@link #kernels()} is set.
     *
     * @param weights the group's parameters
     * @param states  their states, aligned with {@code weights}
     * @return whether every tensor was updated
     */
    protected boolean updateTogether(List<NDArray> weights, List<ParameterState> states) {
        return false;
    }

    /**
     * Torch's {@code add_param_group}: from now on {@code parameters} are updated at {@code lr}, as a group of their
     * own, taken out of the group they were in. The first group (index 0) holds every other parameter of the scope at
     * {@link #learningRate()}. Returns the new group's index.
     */
    public final synchronized int addParamGroup(List<Parameter> parameters, float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
        }
        ParamGroup group = new ParamGroup(List.copyOf(parameters), lr);
        for (ParamGroup g : extraGroups) {
            g.parameters.removeIf(p -> parameters.stream().anyMatch(q -> q == p));
        }
        extraGroups.add(group);
        for (Parameter p : group.parameters) {
            groupOf.put(p, group);
        }
        return extraGroups.size();
    }

    /** How many parameter groups: 1 plus those added by {@link #addParamGroup}. */
    public final int paramGroupCount() {
        return 1 + extraGroups.size();
    }

    /** The learning rate of group {@code index} (0 is {@link #learningRate()}). */
    public final float paramGroupLearningRate(int index) {
        return index == 0 ? learningRate : extraGroups.get(index - 1).learningRate;
    }

    /** Sets the learning rate of group {@code index} (0 sets {@link #learningRate()}). */
    public final void setParamGroupLearningRate(int index, float lr) {
        if (index == 0) {
            setLearningRate(lr);
        } else {
            extraGroups.get(index - 1).learningRate = lr;
        }
    }

    /** The parameters of group {@code index} &ge; 1, as added. */
    public final List<Parameter> paramGroupParameters(int index) {
        return Collections.unmodifiableList(extraGroups.get(index - 1).parameters);
    }

    /** Parameters added with their own rate. */
    private static final class ParamGroup {
        final List<Parameter> parameters;
        volatile float learningRate;

        ParamGroup(List<Parameter> parameters, float learningRate) {
            this.parameters = new ArrayList<>(parameters);
            this.learningRate = learningRate;
        }
    }

    /** The parameters this optimizer is responsible for, by path, in a stable order. */
    public ParameterList parametersOf(Block moduleBlock) {
        return (scope != null ? scope : moduleBlock).getParameters();
    }

    /** A snapshot of the state: copies, owned by {@code manager}. */
    public final OptimizerState exportState(NDManager manager) {
        Map<String, OptimizerState.Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterState> e : states.entrySet()) {
            Map<String, NDArray> buffers = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> b : e.getValue().buffers.entrySet()) {
                NDArray copy = b.getValue().duplicate();
                copy.attach(manager);
                buffers.put(b.getKey(), copy);
            }
            entries.put(e.getKey(), new OptimizerState.Entry(e.getValue().step, buffers));
        }
        return new OptimizerState(name(), learningRate, entries);
    }

    /** Replaces the state by copies of {@code state}'s buffers. */
    public final void importState(OptimizerState state) {
        if (!state.optimizer().equals(name())) {
            throw new IllegalArgumentException("optimizer state is for " + state.optimizer() + ", not " + name());
        }
        for (ParameterState s : states.values()) {
            s.close();
        }
        states.clear();
        for (Map.Entry<String, OptimizerState.Entry> e : state.entries().entrySet()) {
            ParameterState ps = new ParameterState(manager());
            ps.step = e.getValue().step();
            for (Map.Entry<String, NDArray> b : e.getValue().buffers().entrySet()) {
                NDArray copy = b.getValue().duplicate();
                copy.attach(manager());
                ps.buffers.put(b.getKey(), copy);
            }
            states.put(e.getKey(), ps);
        }
        this.learningRate = state.learningRate();
    }

    /** Frees the state memory. */
    public final void clearState() {
        for (ParameterState s : states.values()) {
            s.close();
        }
        states.clear();
    }

    private NDManager manager() {
        if (stateManager == null) {
            throw new IllegalStateException(name() + " is not bound to a Trainer: state memory has no owner");
        }
        return stateManager;
    }

    @Override
    public String toString() {
        return name() + "(lr=" + learningRate + ")";
    }

    /** The buffers and step count of one parameter. */
    public static final class ParameterState {
        private final Map<String, NDArray> buffers = new LinkedHashMap<>();
        private NDManager manager;
        private long step;

        ParameterState(NDManager manager) {
            this.manager = manager;
        }

        /** How many updates this parameter has received, this one included. */
        public long step() {
            return step;
        }

        /** The buffer called {@code name}, or null before it is created. */
        public NDArray buffer(String name) {
            return buffers.get(name);
        }

        /** The buffer called {@code name}, created as zeros shaped like {@code like} on first use. */
        public NDArray zerosLike(String name, NDArray like) {
            NDArray b = buffers.get(name);
            if (b == null) {
                b = manager.zeros(like.getShape(), like.getDataType(), like.getDevice());
                buffers.put(name, b);
            }
            return b;
        }

        /** Drops the buffer {@code name}, if any. */
        void remove(String name) {
            NDArray old = buffers.remove(name);
            if (old != null) {
                old.close();
            }
        }

        /** Stores a copy of {@code value} as the buffer {@code name}. */
        public NDArray putCopy(String name, NDArray value) {
            NDArray copy = value.duplicate();
            copy.attach(manager);
            NDArray old = buffers.put(name, copy);
            if (old != null) {
                old.close();
            }
            return copy;
        }

        public Map<String, NDArray> buffers() {
            return Collections.unmodifiableMap(buffers);
        }

        void attach(NDManager m) {
            this.manager = m;
            for (NDArray b : buffers.values()) {
                b.attach(m);
            }
        }

        void close() {
            for (NDArray b : buffers.values()) {
                b.close();
            }
            buffers.clear();
        }
    }
}
