package io.fulmen.optim;

import org.apiguardian.api.API;

/** Adam with decoupled weight decay (PyTorch's {@code torch.optim.AdamW}; default weight decay 0.01). */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class AdamW extends Adam {
    AdamW(Builder b) {
        super(b, true);
    }

    public static Builder builder() {
        return new Builder(true);
    }
}
