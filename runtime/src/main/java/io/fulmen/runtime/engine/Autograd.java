package io.fulmen.runtime.engine;

import ai.djl.ndarray.NDArray;

/**
 * The engine's automatic differentiation, per thread. DJL's {@code GradientCollector} for PyTorch is a process-wide
 * singleton (a second one in another thread throws), so the runtime drives autograd directly: grad mode is
 * thread-local in libtorch, which lets two Trainers train in two threads.
 */
public interface Autograd {
    /** Turns gradient recording on or off for the calling thread; returns the previous mode. */
    boolean setGradEnabled(boolean enabled);

    /** Accumulates d(loss)/d(parameter) into every parameter's gradient. */
    void backward(NDArray loss);

    /** Sets a parameter's gradient to zero (no-op when it has none yet). */
    void zeroGrad(NDArray parameter);

    /** Returns the autograd of the named DJL engine; fails clearly for engines that cannot train. */
    static Autograd forEngine(String engineName) {
        if ("PyTorch".equalsIgnoreCase(engineName)) {
            return new PyTorchAutograd();
        }
        throw new IllegalArgumentException("The " + engineName + " engine cannot compute gradients, so it cannot "
                + "fit; use it for validate/test/predict, and train with engine(\"PyTorch\")");
    }
}
