package io.fulmen.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;

/**
 * Stochastic gradient descent with PyTorch's {@code torch.optim.SGD} semantics: momentum, dampening, Nesterov and
 * L2 weight decay: on the engine's fused kernel for all tensors of a group at once where the Trainer's engine has
 * one ({@link OptimizerKernels}), else plain SGD on DJL's kernel and momentum as array operations.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class Sgd extends Optimizer {
    private final float momentum;
    private final float dampening;
    private final boolean nesterov;
    private final float weightDecay;
    private final boolean fused;
    /** Whether every tensor of the current (or last) step went through the fused kernel, which zeroes gradients. */
    private boolean allFused;

    private Sgd(Builder b) {
        super(b.lr, b.scope);
        if (b.nesterov && (b.momentum <= 0 || b.dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and dampening = 0");
        }
        this.momentum = b.momentum;
        this.dampening = b.dampening;
        this.nesterov = b.nesterov;
        this.weightDecay = b.weightDecay;
        this.fused = b.fused;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "SGD";
    }

    @Override
    public boolean stepZeroesGradients() {
        return momentum == 0f || allFused;
    }

    /** All tensors of a group in one call of the engine's fused kernel when it has one (and {@code fused} allows). */
    @Override
    protected boolean updateTogether(List<NDArray> weights, List<ParameterState> states) {
        OptimizerKernels kernels = kernels();
        if (!fused || kernels == null) {
            return false;
        }
        List<NDArray> buffers = null;
        boolean[] first = null;
        if (momentum != 0f) {
            buffers = new ArrayList<>(weights.size());
            first = new boolean[weights.size()];
            for (int i = 0; i < weights.size(); i++) {
                ParameterState state = states.get(i);
                first[i] = state.buffer("momentum_buffer") == null;
                buffers.add(state.zerosLike("momentum_buffer", weights.get(i)));
            }
        }
        boolean done = kernels.sgd(new OptimizerKernels.SgdStep(weights, buffers, first, learningRate(), momentum,
                dampening, weightDecay, nesterov));
        if (!done && first != null) {
            // Declined: the per-tensor path must see the buffers as not yet started.
            for (int i = 0; i < first.length; i++) {
                if (first[i]) {
                    states.get(i).remove("momentum_buffer");
                }
            }
        }
        return done;
    }

    @Override
    public void step(ParameterList parameters) {
        allFused = true;
        super.step(parameters);
    }

    @Override
    protected void update(NDArray weight, NDArray grad, ParameterState state) {
        allFused = false;
        float lr = learningRate();
        if (momentum == 0f) {
            weight.getNDArrayInternal().sgdUpdate(new NDList(weight, grad), new NDList(weight), lr, weightDecay,
                    1f, -1f, 0f, false);
            return;
        }
        NDArray decayed = weightDecay != 0f ? grad.add(weight.mul(weightDecay)) : null;
        NDArray d = decayed != null ? decayed : grad;
        try {
            NDArray buf = state.buffer("momentum_buffer");
            if (buf == null) {
                buf = state.putCopy("momentum_buffer", d);
            } else if (dampening == 0f) {
                buf.muli(momentum).addi(d);
            } else {
                try (NDArray scaled = d.mul(1f - dampening)) {
                    buf.muli(momentum).addi(scaled);
                }
            }
            if (nesterov) {
                try (NDArray upd = buf.mul(momentum)) {
                    upd.addi(d).muli(lr);
                    weight.subi(upd);
                }
            } else {
                try (NDArray upd = buf.mul(lr)) {
                    weight.subi(upd);
                }
            }
        } finally {
            if (decayed != null) {
                decayed.close();
            }
        }
    }

    /** Builder with PyTorch's defaults (lr is required there; here it defaults to 0.01). */
    public static final class Builder {
        private float lr = 0.01f;
        private float momentum;
        private float dampening;
        private boolean nesterov;
        private float weightDecay;
        private boolean fused = true;
        private Block scope;

        /**
         * Whether to use the engine's fused kernel (torch's {@code fused=}) where the Trainer's engine has one:
         * default true.
         */
        public Builder fused(boolean value) {
            this.fused = value;
            return this;
        }

        public Builder lr(float value) {
            this.lr = value;
            return this;
        }

        public Builder momentum(float value) {
            this.momentum = value;
            return this;
        }

        public Builder dampening(float value) {
            this.dampening = value;
            return this;
        }

        public Builder nesterov(boolean value) {
            this.nesterov = value;
            return this;
        }

        public Builder weightDecay(float value) {
            this.weightDecay = value;
            return this;
        }

        /** Restricts the optimizer to {@code block}'s parameters (default: the whole module). */
        public Builder parameters(Block block) {
            this.scope = block;
            return this;
        }

        public Sgd build() {
            return new Sgd(this);
        }
    }
}
