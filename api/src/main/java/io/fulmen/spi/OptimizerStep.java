package io.fulmen.spi;

import ai.djl.nn.Parameter;
import org.apiguardian.api.API;

import java.util.List;

/**
 * One optimizer step as the runtime hands it to {@link Strategy#optimizerStep}: the parts a strategy orders, wraps
 * or skips (Lightning's {@code optimizer_step} with its closure).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface OptimizerStep {
    /**
     * Runs the closure: the training step, zero_grad and backward (nothing in manual optimization). Returns false
     * when the training step returned no loss: there is nothing to step, and the rest must be skipped.
     */
    boolean runClosure();

    /** The parameters this optimizer updates. */
    List<Parameter> parameters();

    /** The {@code onBeforeOptimizerStep} hooks: gradients are final (unscaled) when this runs. */
    void beforeOptimizerStep();

    /** Gradient clipping as the module configures it ({@code configureGradientClipping}), and anomaly checks. */
    void clipGradients();

    /** Updates the parameters from their gradients. */
    void update();
}
