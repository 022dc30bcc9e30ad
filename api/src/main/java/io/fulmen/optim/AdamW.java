package io.fulmen.optim;

/** Adam with decoupled weight decay (PyTorch's {@code torch.optim.AdamW}; default weight decay 0.01). */
public final class AdamW extends Adam {
    AdamW(Builder b) {
        super(b, true);
    }

    public static Builder builder() {
        return new Builder(true);
    }
}
