package io.fulmen.optim;

import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * PyTorch's {@code torch.optim.lr_scheduler.ReduceLROnPlateau}: multiplies the learning rate by {@code factor} once
 * a monitored metric has not improved for more than {@code patience} steps, then waits {@code cooldown} steps before
 * counting again; never below {@code minLr}, and a reduction smaller than {@code eps} is skipped. Improvement is
 * judged against the best value so far, relatively ({@code rel}: {@code a < best * (1 - threshold)} in min mode) or
 * absolutely ({@code abs}: {@code a < best - threshold}).
 *
 * <p>Unlike {@link LrScheduler} this schedule has state (best value, bad-step count, cooldown counter, step count);
 * {@link #stateDict()} / {@link #loadStateDict} carry it through checkpoints. Schedule it with
 * {@link OptimizerConfig#withScheduler(ReduceLROnPlateau, String)} or an {@link LrSchedulerConfig} naming the
 * {@code monitor}; the Trainer steps it with that metric (Lightning's behaviour). The learning rate lives in the
 * optimizer as a float, so after many reductions it may differ from PyTorch's double by float rounding.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class ReduceLROnPlateau {
    /** Whether lower ({@code MIN}) or higher ({@code MAX}) values of the metric are better. */
    public enum Mode { MIN, MAX }

    /** How {@code threshold} is applied: relative to the best value, or as an absolute margin. */
    public enum ThresholdMode { REL, ABS }

    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double minLr;
    private final double eps;

    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private long lastEpoch;

    private ReduceLROnPlateau(Builder b) {
        if (!(b.factor < 1.0)) {
            throw new IllegalArgumentException("Factor should be < 1.0, got " + b.factor);
        }
        this.mode = b.mode;
        this.factor = b.factor;
        this.patience = b.patience;
        this.threshold = b.threshold;
        this.thresholdMode = b.thresholdMode;
        this.cooldown = b.cooldown;
        this.minLr = b.minLr;
        this.eps = b.eps;
        reset();
    }

    /** PyTorch's defaults: mode min, factor 0.1, patience 10, threshold 1e-4 (rel), cooldown 0, min_lr 0, eps 1e-8. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One step with the metric's latest value (PyTorch's {@code step(metrics)}): returns the learning rate to use
     * from now on, {@code lr} itself when no reduction happens.
     */
    public float step(double metric, float lr) {
        lastEpoch++;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        float result = lr;
        if (numBadEpochs > patience) {
            double oldLr = lr;
            double newLr = Math.max(oldLr * factor, minLr);
            if (oldLr - newLr > eps) {
                result = (float) newLr;
            }
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        return result;
    }

    /** PyTorch's {@code is_better}: whether {@code a} improves on {@code best} by more than the threshold. */
    public boolean isBetter(double a, double best) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? a < best * (1.0 - threshold) : a < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1.0) : a > best + threshold;
    }

    /** Forgets the best value, the bad steps and the cooldown (PyTorch's {@code _reset}). */
    public void reset() {
        best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        numBadEpochs = 0;
        cooldownCounter = 0;
    }

    public Mode mode() {
        return mode;
    }

    public double factor() {
        return factor;
    }

    public int patience() {
        return patience;
    }

    public double threshold() {
        return threshold;
    }

    public ThresholdMode thresholdMode() {
        return thresholdMode;
    }

    public int cooldown() {
        return cooldown;
    }

    public double minLr() {
        return minLr;
    }

    public double eps() {
        return eps;
    }

    /** The best metric value so far (infinitely bad before the first step). */
    public double best() {
        return best;
    }

    /** Steps without improvement since the last improvement, reduction or cooldown step. */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    /** Steps of cooldown left. */
    public int cooldownCounter() {
        return cooldownCounter;
    }

    /** How many times {@link #step} ran (PyTorch's {@code last_epoch}). */
    public long lastEpoch() {
        return lastEpoch;
    }

    /**
     * The mutable state as plain JSON values, with PyTorch's key names; a non-finite {@code best} is the string
     * {@code "Infinity"}, {@code "-Infinity"} or {@code "NaN"} (JSON has no such numbers).
     */
    public Map<String, Object> stateDict() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("best", Double.isFinite(best) ? (Object) best : Double.toString(best));
        state.put("num_bad_epochs", numBadEpochs);
        state.put("cooldown_counter", cooldownCounter);
        state.put("last_epoch", lastEpoch);
        return state;
    }

    /** Restores what {@link #stateDict()} returned. */
    public void loadStateDict(Map<String, ?> state) {
        Object b = state.get("best");
        if (b instanceof Number n) {
            best = n.doubleValue();
        } else if (b instanceof String s) {
            best = parseSpecial(s);
        } else {
            throw new IllegalArgumentException("ReduceLROnPlateau state: `best` must be a number, got " + b);
        }
        numBadEpochs = (int) number(state, "num_bad_epochs");
        cooldownCounter = (int) number(state, "cooldown_counter");
        lastEpoch = number(state, "last_epoch");
    }

    private static double parseSpecial(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "infinity":
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-infinity":
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("ReduceLROnPlateau state: `best` must be a number, got '"
                            + s + "'", e);
                }
        }
    }

    private static long number(Map<String, ?> state, String key) {
        Object v = state.get(key);
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("ReduceLROnPlateau state: `" + key + "` must be a number, got " + v);
    }

    @Override
    public String toString() {
        return "ReduceLROnPlateau(mode=" + mode.name().toLowerCase(Locale.ROOT) + ", factor=" + factor
                + ", patience=" + patience + ", threshold=" + threshold + ", threshold_mode="
                + thresholdMode.name().toLowerCase(Locale.ROOT) + ", cooldown=" + cooldown + ", min_lr=" + minLr
                + ", eps=" + eps + ")";
    }

    /** Settings with PyTorch's defaults. */
    public static final class Builder {
        private Mode mode = Mode.MIN;
        private double factor = 0.1;
        private int patience = 10;
        private double threshold = 1e-4;
        private ThresholdMode thresholdMode = ThresholdMode.REL;
        private int cooldown;
        private double minLr;
        private double eps = 1e-8;

        private Builder() {}

        public Builder mode(Mode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /** PyTorch's spelling: {@code "min"} or {@code "max"}. */
        public Builder mode(String value) {
            switch (String.valueOf(value).trim().toLowerCase(Locale.ROOT)) {
                case "min":
                    return mode(Mode.MIN);
                case "max":
                    return mode(Mode.MAX);
                default:
                    throw new IllegalArgumentException("mode " + value + " is unknown! Use \"min\" or \"max\"");
            }
        }

        /** The multiplier of a reduction, below 1. */
        public Builder factor(double value) {
            this.factor = value;
            return this;
        }

        /** Steps without improvement tolerated before a reduction. */
        public Builder patience(int value) {
            this.patience = value;
            return this;
        }

        public Builder threshold(double value) {
            this.threshold = value;
            return this;
        }

        public Builder thresholdMode(ThresholdMode value) {
            this.thresholdMode = Objects.requireNonNull(value, "thresholdMode");
            return this;
        }

        /** PyTorch's spelling: {@code "rel"} or {@code "abs"}. */
        public Builder thresholdMode(String value) {
            switch (String.valueOf(value).trim().toLowerCase(Locale.ROOT)) {
                case "rel":
                    return thresholdMode(ThresholdMode.REL);
                case "abs":
                    return thresholdMode(ThresholdMode.ABS);
                default:
                    throw new IllegalArgumentException("threshold mode " + value
                            + " is unknown! Use \"rel\" or \"abs\"");
            }
        }

        /** Steps to wait after a reduction before bad steps count again. */
        public Builder cooldown(int value) {
            this.cooldown = value;
            return this;
        }

        /** The lower bound of the learning rate. */
        public Builder minLr(double value) {
            this.minLr = value;
            return this;
        }

        /** A reduction smaller than this is skipped. */
        public Builder eps(double value) {
            this.eps = value;
            return this;
        }

        public ReduceLROnPlateau build() {
            return new ReduceLROnPlateau(this);
        }
    }
}
