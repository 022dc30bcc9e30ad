package io.fulmen.optim;

import ai.djl.nn.Block;
import org.apiguardian.api.API;

/** Adam with decoupled weight decay (PyTorch's {@code torch.optim.AdamW}; default weight decay 0.01). */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class AdamW extends Adam {
    AdamW(Adam.Builder b) {
        super(b, true);
    }

    /** A builder with PyTorch's defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.01). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link AdamW}: Adam's arguments (weight decay decoupled, default 0.01), building an AdamW. */
    public static final class Builder extends Adam.Builder {
        private Builder() {
            super(true);
        }

        @Override
        public Builder lr(float value) {
            super.lr(value);
            return this;
        }

        @Override
        public Builder betas(float b1, float b2) {
            super.betas(b1, b2);
            return this;
        }

        @Override
        public Builder eps(float value) {
            super.eps(value);
            return this;
        }

        @Override
        public Builder weightDecay(float value) {
            super.weightDecay(value);
            return this;
        }

        @Override
        public Builder fused(boolean value) {
            super.fused(value);
            return this;
        }

        @Override
        public Builder parameters(Block block) {
            super.parameters(block);
            return this;
        }

        @Override
        public AdamW build() {
            return new AdamW(this);
        }
    }
}
