package io.fulmen.runtime.callbacks;

import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.pyformat.PyFormatSpec;
import io.fulmen.pyformat.PyRepr;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * Stops training when a monitored metric stops improving: Lightning 2.2's {@code EarlyStopping}, with its arguments,
 * defaults, order of checks, messages and checkpoint state.
 *
 * <pre>{@code
 * EarlyStopping.builder("val_loss").patience(3).mode("min").build()
 * }</pre>
 *
 * <p>At every check the value of {@code monitor} in {@link TrainerView#callbackMetrics()} is judged, first match
 * wins: not finite (with {@code check_finite}) stops; reaching {@link #stoppingThreshold} stops;
 * getting worse than {@link #divergenceThreshold} stops; an improvement of more than {@link #minDelta} over the best
 * score (strictly: {@code current + minDelta < best} in {@code min} mode, {@code current - minDelta > best} in
 * {@code max} mode, so an equal value is no improvement) records the new best and resets the wait count; anything
 * else counts one record without improvement, and {@link #patience} such records in a row stop. Stopping calls
 * {@link TrainerView#requestStop()} and records the epoch in {@link #stoppedEpoch()}.
 *
 * <p>Checks run only in {@code fit} and never during the sanity check, at the end of the training epoch or at the
 * end of each validation run, see {@link Builder#checkOnTrainEpochEnd(Boolean)}. With {@code verbose} each decision is
 * logged at INFO in Lightning's words.
 *
 * <p>Checkpoint state ({@link #stateDict()}): {@code wait_count}, {@code stopped_epoch}, {@code patience} as JSON
 * integers, and {@code best_score} as a JSON number when finite, else as the string {@code "Infinity"},
 * {@code "-Infinity"} or {@code "NaN"} (JSON has no infinities; these are the checkpoint manifest's spellings, which
 * Gson's {@code getAsDouble} and {@link Double#parseDouble} read). {@link #loadStateDict} takes a number or any of
 * those strings, also Python's {@code "inf"}, {@code "-inf"}, {@code "nan"}.
 *
 * <p>Built with {@link #builder(String)}; the configuration is fixed once built.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class EarlyStopping implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    /** Why the callback asked the Trainer to stop (Lightning's {@code EarlyStoppingReason}). */
    public enum StoppingReason {
        NOT_STOPPED,
        /** {@code stopping_threshold} reached. */
        STOPPING_THRESHOLD,
        /** Worse than {@code divergence_threshold}. */
        DIVERGENCE_THRESHOLD,
        /** {@code patience} checks in a row without improvement. */
        PATIENCE_EXHAUSTED,
        /** The metric was NaN or infinite (with {@code check_finite}). */
        NON_FINITE_METRIC
    }

    private final String monitor;
    private final double minDelta;
    private int patience; // also checkpoint state, as in Lightning
    private final boolean verbose;
    private final String mode;
    private final boolean strict;
    private final boolean checkFinite;
    private final Double stoppingThreshold;
    private final Double divergenceThreshold;
    private final Boolean checkOnTrainEpochEnd;
    private final boolean logRankZeroOnly;

    private volatile int waitCount;
    private volatile int stoppedEpoch;
    private volatile double bestScore;
    private volatile StoppingReason stoppingReason = StoppingReason.NOT_STOPPED;
    private volatile String stoppingReasonMessage;
    private volatile String lastReason;

    // checkOnTrainEpochEnd as resolved at setup from the Trainer's validation schedule.
    private boolean checksOnTrainEpochEnd;

    private EarlyStopping(Builder b) {
        this.monitor = b.monitor;
        this.minDelta = b.minDelta;
        this.patience = b.patience;
        this.verbose = b.verbose;
        this.mode = b.mode;
        this.strict = b.strict;
        this.checkFinite = b.checkFinite;
        this.stoppingThreshold = b.stoppingThreshold;
        this.divergenceThreshold = b.divergenceThreshold;
        this.checkOnTrainEpochEnd = b.checkOnTrainEpochEnd;
        this.logRankZeroOnly = b.logRankZeroOnly;
        this.bestScore = isMin() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** Monitors {@code monitor} with Lightning's defaults: min mode, patience 3, min_delta 0, strict, check_finite. */
    public static Builder builder(String monitor) {
        return new Builder(monitor);
    }

    /** Runs after the module's epoch-end hook, as Lightning's monitoring callbacks do. */
    @Override
    public boolean monitorsMetrics() {
        return true;
    }

    // ------------------------------------------------------------------ getters

    public String monitor() {
        return monitor;
    }

    public String mode() {
        return mode;
    }

    /** {@code min_delta} as given. */
    public double minDelta() {
        return minDelta;
    }

    public int patience() {
        return patience;
    }

    public boolean verbose() {
        return verbose;
    }

    public boolean strict() {
        return strict;
    }

    public boolean checkFinite() {
        return checkFinite;
    }

    public Double stoppingThreshold() {
        return stoppingThreshold;
    }

    public Double divergenceThreshold() {
        return divergenceThreshold;
    }

    /** The configured value; null for automatic. */
    public Boolean checkOnTrainEpochEnd() {
        return checkOnTrainEpochEnd;
    }

    /** Checks in a row without improvement so far. */
    public int waitCount() {
        return waitCount;
    }

    /** The epoch in which a stop was signalled; 0 when none was. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The best value seen; +inf (min) or -inf (max) before the first check. */
    public double bestScore() {
        return bestScore;
    }

    /** Why this callback signalled a stop, {@link StoppingReason#NOT_STOPPED} when it did not. */
    public StoppingReason stoppingReason() {
        return stoppingReason;
    }

    /** Lightning's message for the stop, or null when this callback did not stop training. */
    public String stoppingReasonMessage() {
        return stoppingReasonMessage;
    }

    /** The message of the last check (improvement or stop), or null. */
    String lastReason() {
        return lastReason;
    }

    // ------------------------------------------------------------------ state

    /** {@code EarlyStopping{monitor=val_loss, mode=min}}: several instances with other monitor/mode coexist. */
    @Override
    public String stateKey() {
        return "EarlyStopping{monitor=" + monitor + ", mode=" + mode + "}";
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("wait_count", waitCount);
        state.put("stopped_epoch", stoppedEpoch);
        state.put("best_score", StateScores.toState(bestScore));
        state.put("patience", patience);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        waitCount = intValue(state, "wait_count");
        stoppedEpoch = intValue(state, "stopped_epoch");
        bestScore = StateScores.fromState(state.get("best_score"), "EarlyStopping state: `best_score`");
        patience = intValue(state, "patience");
    }

    private static int intValue(Map<String, Object> state, String key) {
        Object v = state.get(key);
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalArgumentException("EarlyStopping state: `" + key + "` must be a number, got " + v);
    }

    // ------------------------------------------------------------------ hooks

    /** Lightning's setup: unless told, check at train epoch end when validation runs once at every epoch end. */
    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        checksOnTrainEpochEnd = checkOnTrainEpochEnd != null ? checkOnTrainEpochEnd
                : trainer.config().validatesOnceAtEveryEpochEnd();
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        if (checksOnTrainEpochEnd && !shouldSkipCheck(trainer)) {
            runEarlyStoppingCheck(trainer);
        }
    }

    @Override
    public void onValidationEnd(TrainerView trainer, LightningModule module) {
        if (!checksOnTrainEpochEnd && !shouldSkipCheck(trainer)) {
            runEarlyStoppingCheck(trainer);
        }
    }

    /** Lightning's {@code _should_skip_check}: only while fitting, never in the sanity check. */
    private static boolean shouldSkipCheck(TrainerView trainer) {
        return trainer.stage() != Stage.FIT || trainer.isSanityChecking();
    }

    // ------------------------------------------------------------------ the check

    /** Lightning's {@code _run_early_stopping_check}. */
    void runEarlyStoppingCheck(TrainerView trainer) {
        Map<String, Double> logs = trainer.callbackMetrics();
        if (!validateConditionMetric(logs)) {
            return;
        }
        double current = logs.get(monitor);
        Decision decision = evaluateStoppingCriteria(current);
        if (trainer.reduceBooleanDecision(decision.stop, false)) {
            trainer.requestStop();
            stoppedEpoch = trainer.currentEpoch();
            stoppingReason = decision.reason;
            stoppingReasonMessage = decision.message;
        }
        if (decision.message != null && verbose) {
            logInfo(trainer, decision.message);
        }
    }

    private boolean validateConditionMetric(Map<String, Double> logs) {
        if (logs.get(monitor) != null) {
            return true;
        }
        String message = "Early stopping conditioned on metric `" + monitor + "` which is not available."
                + " Pass in or modify your `EarlyStopping` callback to use any of the following: `"
                + String.join("`, `", names(logs)) + "`";
        if (strict) {
            throw new IllegalStateException(message);
        }
        if (verbose) {
            LOG.warn(message);
        }
        return false;
    }

    /** The metric names in the map's own order when it has one, else sorted (for a stable message). */
    private static List<String> names(Map<String, Double> logs) {
        if (logs instanceof LinkedHashMap || logs instanceof SortedMap) {
            return new ArrayList<>(logs.keySet());
        }
        return logs.keySet().stream().sorted().collect(Collectors.toList());
    }

    private record Decision(boolean stop, StoppingReason reason, String message) {}

    /** Lightning's {@code _evaluate_stopping_criteria}; updates best score and wait count. */
    private Decision evaluateStoppingCriteria(double current) {
        Decision d;
        String order = isMin() ? "<" : ">";
        if (checkFinite && !Double.isFinite(current)) {
            d = new Decision(true, StoppingReason.NON_FINITE_METRIC, "Monitored metric " + monitor + " = "
                    + PyRepr.repr(current) + " is not finite. Previous best value was "
                    + PyFormatSpec.format(bestScore, ".3f") + ". Signaling Trainer to stop.");
        } else if (stoppingThreshold != null && better(current, stoppingThreshold)) {
            d = new Decision(true, StoppingReason.STOPPING_THRESHOLD, "Stopping threshold reached: " + monitor
                    + " = " + PyRepr.repr(current) + " " + order + " " + PyRepr.repr(stoppingThreshold)
                    + ". Signaling Trainer to stop.");
        } else if (divergenceThreshold != null && better(-current, -divergenceThreshold)) {
            // Lightning prints the mode's order sign here too (`<` in min mode), though the value is worse.
            d = new Decision(true, StoppingReason.DIVERGENCE_THRESHOLD, "Divergence threshold reached: " + monitor
                    + " = " + PyRepr.repr(current) + " " + order + " " + PyRepr.repr(divergenceThreshold)
                    + ". Signaling Trainer to stop.");
        } else if (better(current - signedMinDelta(), bestScore)) {
            d = new Decision(false, StoppingReason.NOT_STOPPED, improvementMessage(current));
            bestScore = current;
            waitCount = 0;
        } else {
            waitCount++;
            if (waitCount >= patience) {
                d = new Decision(true, StoppingReason.PATIENCE_EXHAUSTED, "Monitored metric " + monitor
                        + " did not improve in the last " + waitCount + " records. Best score: "
                        + PyFormatSpec.format(bestScore, ".3f") + ". Signaling Trainer to stop.");
            } else {
                d = new Decision(false, StoppingReason.NOT_STOPPED, null);
            }
        }
        lastReason = d.message;
        return d;
    }

    private String improvementMessage(double current) {
        if (Double.isFinite(bestScore)) {
            return "Metric " + monitor + " improved by " + PyFormatSpec.format(Math.abs(bestScore - current), ".3f")
                    + " >= min_delta = " + PyRepr.repr(Math.abs(minDelta)) + ". New best score: "
                    + PyFormatSpec.format(current, ".3f");
        }
        return "Metric " + monitor + " improved. New best score: " + PyFormatSpec.format(current, ".3f");
    }

    private boolean isMin() {
        return "min".equals(mode);
    }

    /** Lightning's {@code monitor_op}: {@code torch.lt} in min mode, {@code torch.gt} in max mode; NaN is never. */
    private boolean better(double a, double b) {
        return isMin() ? a < b : a > b;
    }

    /** Lightning multiplies {@code min_delta} by -1 in min mode and compares {@code current - min_delta}. */
    private double signedMinDelta() {
        return isMin() ? -minDelta : minDelta;
    }

    private void logInfo(TrainerView trainer, String message) {
        int worldSize = trainer.worldSize();
        if (worldSize <= 1) {
            LOG.info(message);
            return;
        }
        int rank = trainer.globalRank();
        if (!logRankZeroOnly || rank == 0) {
            LOG.info("[rank: {}] {}", rank, message);
        }
    }

    @Override
    public String toString() {
        return "EarlyStopping(monitor=" + monitor + ", mode=" + mode + ", patience=" + patience + ", min_delta="
                + PyRepr.repr(minDelta) + ")";
    }

    /** EarlyStopping's arguments under Lightning's names and defaults. Not thread-safe. */
    public static final class Builder {
        private final String monitor;
        private double minDelta = 0.0;
        private int patience = 3;
        private boolean verbose;
        private String mode = "min";
        private boolean strict = true;
        private boolean checkFinite = true;
        private Double stoppingThreshold;
        private Double divergenceThreshold;
        private Boolean checkOnTrainEpochEnd;
        private boolean logRankZeroOnly;

        private Builder(String monitor) {
            this.monitor = Objects.requireNonNull(monitor, "monitor");
        }

        /**
         * {@code min_delta}: an improvement must exceed this (default 0.0). As in Lightning it is oriented by the mode
         * (subtracted from the best score in min mode, added in max mode); a negative value lets slightly worse values
         * count as improvements.
         */
        public Builder minDelta(double value) {
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException("min_delta must be a number, got NaN");
            }
            this.minDelta = value;
            return this;
        }

        /** {@code patience}: checks without improvement after which training stops (default 3). */
        public Builder patience(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("patience must be >= 0, got " + value);
            }
            this.patience = value;
            return this;
        }

        /** {@code verbose}: logs every decision at INFO, and a missing metric at WARN when not strict (default false). */
        public Builder verbose(boolean value) {
            this.verbose = value;
            return this;
        }

        /** {@code mode}: {@code "min"} (default) stops when the metric stops decreasing, {@code "max"} increasing. */
        public Builder mode(String value) {
            if (!"min".equals(value) && !"max".equals(value)) {
                throw new IllegalArgumentException("`mode` can be min, max, got " + value);
            }
            this.mode = value;
            return this;
        }

        /**
         * {@code strict}: a missing metric fails the check with {@link IllegalStateException} (default true); when false
         * the check is skipped (and, with {@code verbose}, a warning logged).
         */
        public Builder strict(boolean value) {
            this.strict = value;
            return this;
        }

        /** {@code check_finite}: stop when the metric is NaN or infinite (default true). */
        public Builder checkFinite(boolean value) {
            this.checkFinite = value;
            return this;
        }

        /** {@code stopping_threshold}: stop as soon as the metric is strictly better than this; null for none. */
        public Builder stoppingThreshold(Double value) {
            this.stoppingThreshold = value;
            return this;
        }

        /** {@code divergence_threshold}: stop as soon as the metric is strictly worse than this; null for none. */
        public Builder divergenceThreshold(Double value) {
            this.divergenceThreshold = value;
            return this;
        }

        /**
         * {@code check_on_train_epoch_end}: true checks at the end of every training epoch (after that epoch's
         * validation), false at the end of every validation run in fit. Null (default) is Lightning's automatic
         * choice, made at setup from the Trainer's schedule ({@code TrainerView.config()}): at train epoch end when
         * {@code val_check_interval == 1.0 and check_val_every_n_epoch == 1}, else after every validation run.
         */
        public Builder checkOnTrainEpochEnd(Boolean value) {
            this.checkOnTrainEpochEnd = value;
            return this;
        }

        /** {@code log_rank_zero_only}: in a multi-process run, only rank 0 logs its decisions (default false). */
        public Builder logRankZeroOnly(boolean value) {
            this.logRankZeroOnly = value;
            return this;
        }

        /** The callback. */
        public EarlyStopping build() {
            return new EarlyStopping(this);
        }
    }
}
