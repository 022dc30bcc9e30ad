package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import io.fulmen.TrainerView;


/** Lightning's {@code detect_anomaly}: fail at the first non-finite loss or gradient, naming where. */
final class AnomalyCheck {
    private AnomalyCheck() {}

    static void loss(NDArray loss, TrainerView trainer, int batchIdx) {
        try (NDArray bad = loss.isNaN().logicalOr(loss.isInfinite()).any()) {
            if (bad.getBoolean()) {
                throw new ArithmeticException("detect_anomaly: the loss is NaN or infinite at epoch "
                        + trainer.currentEpoch() + ", batch " + batchIdx + ", global step " + trainer.globalStep());
            }
        }
    }

    static void gradients(ParameterList params, TrainerView trainer) {
        for (Pair<String, Parameter> named : params) {
            Parameter p = named.getValue();
            if (!p.isInitialized() || !p.requiresGradient()) {
                continue;
            }
            try (NDArray g = p.getArray().getGradient(); NDArray nan = g.isNaN(); NDArray inf = g.isInfinite();
                 NDArray either = nan.logicalOr(inf); NDArray bad = either.any()) {
                if (bad.getBoolean()) {
                    throw new ArithmeticException("detect_anomaly: the gradient of parameter '" + named.getKey()
                            + "' has NaN or infinite values at epoch " + trainer.currentEpoch() + ", global step "
                            + trainer.globalStep());
                }
            }
        }
    }
}
