package io.fulmen;

import io.fulmen.optim.Optimizer;
import org.apiguardian.api.API;

import java.util.Objects;

/**
 * An optimizer as the module sees it (Lightning's {@code LightningOptimizer}): {@link #step()} and
 * {@link #zeroGrad()} go through the Trainer, so precision, strategy, clipping and the step hooks apply in
 * manual optimization too.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class LightningOptimizer {

    /** What the runtime does for a step or a zero_grad; implemented by the Trainer. */
    public interface Host {
        void step(LightningOptimizer optimizer, Runnable closure);

        void zeroGrad(LightningOptimizer optimizer);
    }

    private final Optimizer optimizer;
    private final int index;
    private final Host host;

    /** Created by the Trainer; user code receives instances from {@link LightningModule#optimizers()}. */
    public LightningOptimizer(Optimizer optimizer, int index, Host host) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.index = index;
        this.host = Objects.requireNonNull(host, "host");
    }

    /** Updates the parameters from their gradients. */
    public void step() {
        host.step(this, null);
    }

    /** Runs {@code closure} (which computes the loss and calls backward), then updates the parameters. */
    public void step(Runnable closure) {
        host.step(this, closure);
    }

    /** Sets the gradients of this optimizer's parameters to zero. */
    public void zeroGrad() {
        host.zeroGrad(this);
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Position in the list returned by {@code configureOptimizers}. */
    public int index() {
        return index;
    }

    public float learningRate() {
        return optimizer.learningRate();
    }

    @Override
    public String toString() {
        return "LightningOptimizer[" + index + ", " + optimizer + "]";
    }
}
