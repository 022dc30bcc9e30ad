package io.fulmen.runtime.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic loss scaling with {@code torch.amp.GradScaler}'s semantics: the loss is multiplied by the scale before
 * backward; before the step the gradients are multiplied by {@code 1/scale} and checked, and a step with an inf or
 * NaN gradient is skipped. After each step (or skip) the scale is updated: backed off ({@code × backoff_factor})
 * and the clean-step count reset on inf/NaN, grown ({@code × growth_factor}, when the result is finite) after
 * {@code growth_interval} clean steps in a row. State keys are GradScaler's {@code state_dict()} keys.
 */
final class GradScaler {
    static final double DEFAULT_INIT_SCALE = 65536.0;
    static final double DEFAULT_GROWTH_FACTOR = 2.0;
    static final double DEFAULT_BACKOFF_FACTOR = 0.5;
    static final int DEFAULT_GROWTH_INTERVAL = 2000;

    private float scale;
    private float growthFactor;
    private float backoffFactor;
    private int growthInterval;
    private int growthTracker;

    GradScaler(double initScale, double growthFactor, double backoffFactor, int growthInterval) {
        if (!(initScale > 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("init_scale must be a finite number > 0, got " + initScale);
        }
        if (!(growthFactor > 1)) {
            throw new IllegalArgumentException("growth_factor must be > 1, got " + growthFactor);
        }
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("backoff_factor must be in (0, 1), got " + backoffFactor);
        }
        if (growthInterval < 1) {
            throw new IllegalArgumentException("growth_interval must be >= 1, got " + growthInterval);
        }
        this.scale = (float) initScale;
        this.growthFactor = (float) growthFactor;
        this.backoffFactor = (float) backoffFactor;
        this.growthInterval = growthInterval;
    }

    float scale() {
        return scale;
    }

    int growthTracker() {
        return growthTracker;
    }

    NDArray scale(NDArray loss) {
        return loss.mul(scale);
    }

    /**
     * Multiplies the gradient of every trainable parameter by {@code 1/scale} in place; true when all are finite.
     * As GradScaler, the inverse is computed in double and rounded to float, and every gradient is unscaled even
     * after a non-finite one was found.
     */
    boolean unscale(List<Parameter> parameters) {
        float inverse = (float) (1.0 / scale);
        boolean finite = true;
        for (Parameter p : parameters) {
            if (!p.isInitialized() || !p.requiresGradient()) {
                continue;
            }
            try (NDArray grad = p.getArray().getGradient()) {
                grad.muli(inverse);
                if (finite && grad.size() > 0) {
                    finite = isFinite(grad);
                }
            }
        }
        return finite;
    }

    /** libtorch's max propagates NaN and |inf| is inf: the largest magnitude is finite exactly when all are. */
    private static boolean isFinite(NDArray grad) {
        try (NDArray magnitude = grad.abs(); NDArray max = magnitude.max()) {
            if (max.getDataType() == DataType.FLOAT32) {
                return Float.isFinite(max.getFloat());
            }
            try (NDArray asDouble = max.toType(DataType.FLOAT64, true)) {
                return Double.isFinite(asDouble.getDouble());
            }
        }
    }

    /** {@code _amp_update_scale_}: after every optimizer step, {@code foundInf} when it was skipped. */
    void update(boolean foundInf) {
        if (foundInf) {
            scale *= backoffFactor;
            growthTracker = 0;
            return;
        }
        int clean = growthTracker + 1;
        if (clean == growthInterval) {
            float grown = scale * growthFactor;
            if (Float.isFinite(grown)) {
                scale = grown;
            }
            growthTracker = 0;
        } else {
            growthTracker = clean;
        }
    }

    Map<String, Object> stateDict() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("scale", (double) scale);
        state.put("growth_factor", (double) growthFactor);
        state.put("backoff_factor", (double) backoffFactor);
        state.put("growth_interval", growthInterval);
        state.put("_growth_tracker", growthTracker);
        return state;
    }

    void loadStateDict(Map<String, Object> state) {
        float newScale = (float) number(state, "scale");
        float newGrowth = (float) number(state, "growth_factor");
        float newBackoff = (float) number(state, "backoff_factor");
        int newInterval = (int) number(state, "growth_interval");
        int newTracker = (int) number(state, "_growth_tracker");
        if (!(newScale > 0) || Float.isInfinite(newScale) || newInterval < 1 || newTracker < 0) {
            throw new IllegalArgumentException("loss-scaler state " + state + " is out of range");
        }
        scale = newScale;
        growthFactor = newGrowth;
        backoffFactor = newBackoff;
        growthInterval = newInterval;
        growthTracker = newTracker;
    }

    private static double number(Map<String, Object> state, String key) {
        Object value = state.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("loss-scaler state has no number '" + key + "' (found keys "
                    + state.keySet() + ")");
        }
        return n.doubleValue();
    }
}
