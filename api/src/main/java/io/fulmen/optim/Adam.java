package io.fulmen.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam and AdamW with PyTorch's {@code torch.optim.Adam}/{@code AdamW} update: on the engine's fused kernel for
 * all tensors of a group at once where the Trainer's engine has one ({@link OptimizerKernels}), else on DJL's
 * per-tensor kernel. That kernel adds epsilon MXNet-style, to the bias-corrected root; feeding it epsilon scaled by
 * {@code sqrt(1 - beta2^t)} gives exactly PyTorch's {@code m̂ / (sqrt(v̂) + eps)}.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final boolean decoupled;
    private final boolean fused;

    Adam(Builder b, boolean decoupled) {
        super(b.lr, b.scope);
        if (b.beta1 < 0 || b.beta1 >= 1 || b.beta2 < 0 || b.beta2 >= 1) {
            throw new IllegalArgumentException("betas must be in [0, 1), got (" + b.beta1 + ", " + b.beta2 + ")");
        }
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay < 0 ? (decoupled ? 0.01f : 0f) : b.weightDecay;
        this.decoupled = decoupled;
        this.fused = b.fused;
    }

    /** Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0 (L2). */
    public static Builder builder() {
        return new Builder(false);
    }

    @Override
    public String name() {
        return decoupled ? "AdamW" : "Adam";
    }

    @Override
    public boolean stepZeroesGradients() {
        return true;
    }

    @Override
    protected void update(NDArray weight, NDArray grad, ParameterState state) {
        NDArray mean = state.zerosLike("exp_avg", weight);
        NDArray variance = state.zerosLike("exp_avg_sq", weight);
        long t = state.step();
        double correction1 = 1 - Math.pow(beta1, t);
        double rootCorrection2 = Math.sqrt(1 - Math.pow(beta2, t));
        float lr = learningRate();
        float lrCorrected = (float) (lr * rootCorrection2 / correction1);
        float eps = (float) (epsilon * rootCorrection2);
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, mean, variance), new NDList(weight), lr,
                lrCorrected, weightDecay, 1f, -1f, beta1, beta2, eps, false, decoupled);
    }

    /**
     * All tensors of a group in one call of the engine's fused kernel when it has one (and {@link Builder#fused}
     * allows): torch's formula in one pass per tensor instead of the per-tensor kernel's dozen.
     */
    @Override
    protected boolean updateTogether(List<NDArray> weights, List<ParameterState> states) {
        OptimizerKernels kernels = kernels();
        if (!fused || kernels == null) {
            return false;
        }
        int n = weights.size();
        List<NDArray> means = new ArrayList<>(n);
        List<NDArray> variances = new ArrayList<>(n);
        float[] stepSizes = new float[n];
        float[] corrections = new float[n];
        float lr = learningRate();
        for (int i = 0; i < n; i++) {
            NDArray weight = weights.get(i);
            ParameterState state = states.get(i);
            means.add(state.zerosLike("exp_avg", weight));
            variances.add(state.zerosLike("exp_avg_sq", weight));
            long t = state.step();
            stepSizes[i] = (float) (lr / (1 - Math.pow(beta1, t)));
            corrections[i] = (float) Math.sqrt(1 - Math.pow(beta2, t));
        }
        return kernels.adam(new OptimizerKernels.AdamStep(weights, means, variances, stepSizes, corrections, beta1,
                beta2, epsilon, weightDecay, lr, decoupled));
    }

    /** Builder for {@link Adam}; {@link AdamW.Builder} extends it to build an {@code AdamW}. */
    public static class Builder {
        private final boolean decoupled;
        private float lr = 1e-3f;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private float weightDecay = -1f;
        private boolean fused = true;
        private Block scope;

        Builder(boolean decoupled) {
            this.decoupled = decoupled;
        }

        public Builder lr(float value) {
            this.lr = value;
            return this;
        }

        public Builder betas(float b1, float b2) {
            this.beta1 = b1;
            this.beta2 = b2;
            return this;
        }

        public Builder eps(float value) {
            this.epsilon = value;
            return this;
        }

        /** L2 penalty for Adam (default 0), decoupled decay for AdamW (default 0.01). */
        public Builder weightDecay(float value) {
            if (value < 0) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + value);
            }
            this.weightDecay = value;
            return this;
        }

        /**
         * Whether to use the engine's fused kernel (torch's {@code fused=}) where the Trainer's engine has one:
         * default true. False keeps DJL's per-tensor kernel (the same formula, rounded differently in the last bit).
         */
        public Builder fused(boolean value) {
            this.fused = value;
            return this;
        }

        /** Restricts the optimizer to {@code block}'s parameters (default: the whole module). */
        public Builder parameters(Block block) {
            this.scope = block;
            return this;
        }

        public Adam build() {
            return decoupled ? new AdamW(this) : new Adam(this, false);
        }
    }
}
