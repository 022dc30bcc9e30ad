package io.fulmen.spi;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

/**
 * An engine's automatic differentiation for the calling thread: what a {@link Strategy} runs backward with. The
 * runtime supplies it per call; an inference-only engine has none.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface Autograd {
    /** Turns gradient recording on or off for the calling thread; returns the previous mode. */
    boolean setGradEnabled(boolean enabled);

    /** Accumulates d(loss)/d(parameter) into every parameter's gradient; {@code loss} must be a scalar. */
    void backward(NDArray loss);

    /** Sets a parameter's gradient to zero (no-op when it has none yet). */
    void zeroGrad(NDArray parameter);
}
