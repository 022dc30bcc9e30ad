package io.fulmen;

import org.apiguardian.api.API;

/** Gradient clipping as offered to {@link LightningModule#configureGradientClipping}. */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public interface GradientClipper {
    /** The Trainer's {@code gradient_clip_val}, or 0 when clipping is off. */
    double clipValue();

    /** The Trainer's {@code gradient_clip_algorithm}. */
    ClipAlgorithm algorithm();

    /** Clips the gradients of {@code optimizer}'s parameters; a value of 0 or less does nothing. */
    void clipGradients(LightningOptimizer optimizer, double clipValue, ClipAlgorithm algorithm);

    /** Lightning's {@code "norm"} (global L2 norm) and {@code "value"} (element-wise clamp). */
    enum ClipAlgorithm {
        NORM,
        VALUE
    }
}
