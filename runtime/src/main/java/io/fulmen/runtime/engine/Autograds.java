package io.fulmen.runtime.engine;

import io.fulmen.spi.Autograd;
import org.apiguardian.api.API;

/**
 * The autograd of a DJL engine. DJL's {@code GradientCollector} for PyTorch is a process-wide singleton (a second
 * one in another thread throws), so the runtime drives autograd directly: grad mode is thread-local in libtorch,
 * which lets two Trainers train in two threads.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class Autograds {
    private Autograds() {}

    /** A fresh autograd for the calling thread; fails clearly for engines that cannot train. */
    public static Autograd forEngine(String engineName) {
        if ("PyTorch".equalsIgnoreCase(engineName)) {
            return new PyTorchAutograd();
        }
        throw new IllegalArgumentException("The " + engineName + " engine cannot compute gradients, so it cannot "
                + "fit; use it for validate/test/predict, and train with engine(\"PyTorch\")");
    }
}
