package io.fulmen.runtime.tuner;

import org.apiguardian.api.API;

import java.util.Objects;

/**
 * The arguments of {@link Tuner#lrFind}, with Lightning's defaults: {@code min_lr=1e-8}, {@code max_lr=1},
 * {@code num_training=100}, {@code mode="exponential"}, {@code early_stop_threshold=4.0},
 * {@code update_attr=True}, {@code attr_name=""} (look for {@code lr}, then {@code learning_rate}). Immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class LrFindOptions {
    /** How the learning rate grows from {@code min_lr} to {@code max_lr}. */
    public enum Mode {
        /** {@code lr = min * (max / min)^(i / n)}. */
        EXPONENTIAL,
        /** {@code lr = min + (max - min) * i / n}. */
        LINEAR
    }

    private static final LrFindOptions DEFAULTS = new LrFindOptions(1e-8, 1.0, 100, Mode.EXPONENTIAL, 4.0, true, "");

    private final double minLr;
    private final double maxLr;
    private final int numTraining;
    private final Mode mode;
    private final Double earlyStopThreshold;
    private final boolean updateAttr;
    private final String attrName;

    private LrFindOptions(double minLr, double maxLr, int numTraining, Mode mode, Double earlyStopThreshold,
                          boolean updateAttr, String attrName) {
        if (!(minLr > 0) || !(maxLr > minLr)) {
            throw new IllegalArgumentException("lr_find needs 0 < min_lr < max_lr, got min_lr=" + minLr + ", max_lr="
                    + maxLr);
        }
        if (numTraining < 1) {
            throw new IllegalArgumentException("num_training must be positive, got " + numTraining);
        }
        if (earlyStopThreshold != null && !(earlyStopThreshold > 0)) {
            throw new IllegalArgumentException("early_stop_threshold must be positive, or null to never stop early, "
                    + "got " + earlyStopThreshold);
        }
        this.minLr = minLr;
        this.maxLr = maxLr;
        this.numTraining = numTraining;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.earlyStopThreshold = earlyStopThreshold;
        this.updateAttr = updateAttr;
        this.attrName = Objects.requireNonNull(attrName, "attrName");
    }

    public static LrFindOptions defaults() {
        return DEFAULTS;
    }

    public LrFindOptions withMinLr(double value) {
        return new LrFindOptions(value, maxLr, numTraining, mode, earlyStopThreshold, updateAttr, attrName);
    }

    public LrFindOptions withMaxLr(double value) {
        return new LrFindOptions(minLr, value, numTraining, mode, earlyStopThreshold, updateAttr, attrName);
    }

    /** The number of learning rates to try, one optimizer step each ({@code num_training}). */
    public LrFindOptions withNumTraining(int value) {
        return new LrFindOptions(minLr, maxLr, value, mode, earlyStopThreshold, updateAttr, attrName);
    }

    public LrFindOptions withMode(Mode value) {
        return new LrFindOptions(minLr, maxLr, numTraining, value, earlyStopThreshold, updateAttr, attrName);
    }

    /**
     * Stops the search once the smoothed loss exceeds this multiple of the best one (divergence); null never stops
     * early.
     */
    public LrFindOptions withEarlyStopThreshold(Double value) {
        return new LrFindOptions(minLr, maxLr, numTraining, mode, value, updateAttr, attrName);
    }

    /** Whether the suggestion is written into the module's learning-rate field or hyperparameter. */
    public LrFindOptions withUpdateAttr(boolean value) {
        return new LrFindOptions(minLr, maxLr, numTraining, mode, earlyStopThreshold, value, attrName);
    }

    /** The attribute to update (Python spelling, e.g. {@code lr}); empty looks for {@code lr}, then {@code learning_rate}. */
    public LrFindOptions withAttrName(String value) {
        return new LrFindOptions(minLr, maxLr, numTraining, mode, earlyStopThreshold, updateAttr, value);
    }

    public double minLr() {
        return minLr;
    }

    public double maxLr() {
        return maxLr;
    }

    public int numTraining() {
        return numTraining;
    }

    public Mode mode() {
        return mode;
    }

    public Double earlyStopThreshold() {
        return earlyStopThreshold;
    }

    public boolean updateAttr() {
        return updateAttr;
    }

    public String attrName() {
        return attrName;
    }

    /** The learning rate of iteration {@code i} of {@code numTraining} (Lightning's {@code _ExponentialLR}/{@code _LinearLR}). */
    double lrAt(long i) {
        double r = (double) i / numTraining;
        return mode == Mode.EXPONENTIAL ? minLr * Math.pow(maxLr / minLr, r) : minLr + r * (maxLr - minLr);
    }
}
