package io.fulmen.runtime.tuner;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The arguments of {@link Tuner#scaleBatchSize}, with Lightning's defaults ({@code mode="power"},
 * {@code steps_per_trial=3}, {@code init_val=2}, {@code max_trials=25}, {@code batch_arg_name="batch_size"}), and
 * the rule that says a batch size is too big. Lightning waits for an out-of-memory error, which a CPU does not
 * raise (it swaps); here a trial fails when it ran out of memory (a GPU), or when it broke a limit set here:
 * <ul>
 *   <li>{@link #withMaxStepTime}: the median step time (after the first step) is above the limit;</li>
 *   <li>{@link #withMaxMemoryBytes}: the process's peak resident memory during the trial is above the limit
 *       (Linux only: {@code VmHWM}, reset before each trial through {@code /proc/self/clear_refs});</li>
 *   <li>{@link #withTooBig}: a rule of your own over the {@link BatchSizeTrial}.</li>
 * </ul>
 * With no limit, sizes grow until the batch holds the whole dataset (or {@code max_trials}), as Lightning's do on a
 * CPU. Immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class BatchSizeOptions {
    /** How the search moves (Lightning's {@code mode}). */
    public enum Mode {
        /** Doubles the size until a trial fails, then takes half of the failing size. */
        POWER,
        /** Doubles until a trial fails, then bisects between the last success and the failure. */
        BINSEARCH
    }

    private static final BatchSizeOptions DEFAULTS = new BatchSizeOptions(Mode.POWER, 3, 2, 25, "batch_size", null,
            -1, null);

    private final Mode mode;
    private final int stepsPerTrial;
    private final int initVal;
    private final int maxTrials;
    private final String batchArgName;
    private final Duration maxStepTime;
    private final long maxMemoryBytes;
    private final Predicate<BatchSizeTrial> tooBig;

    private BatchSizeOptions(Mode mode, int stepsPerTrial, int initVal, int maxTrials, String batchArgName,
                             Duration maxStepTime, long maxMemoryBytes, Predicate<BatchSizeTrial> tooBig) {
        if (stepsPerTrial < 1 || initVal < 1 || maxTrials < 1) {
            throw new IllegalArgumentException("steps_per_trial, init_val and max_trials must be positive, got "
                    + stepsPerTrial + ", " + initVal + ", " + maxTrials);
        }
        this.mode = Objects.requireNonNull(mode, "mode");
        this.stepsPerTrial = stepsPerTrial;
        this.initVal = initVal;
        this.maxTrials = maxTrials;
        this.batchArgName = Objects.requireNonNull(batchArgName, "batchArgName");
        this.maxStepTime = maxStepTime;
        this.maxMemoryBytes = maxMemoryBytes;
        this.tooBig = tooBig;
    }

    public static BatchSizeOptions defaults() {
        return DEFAULTS;
    }

    public BatchSizeOptions withMode(Mode value) {
        return new BatchSizeOptions(value, stepsPerTrial, initVal, maxTrials, batchArgName, maxStepTime,
                maxMemoryBytes, tooBig);
    }

    public BatchSizeOptions withStepsPerTrial(int value) {
        return new BatchSizeOptions(mode, value, initVal, maxTrials, batchArgName, maxStepTime, maxMemoryBytes,
                tooBig);
    }

    public BatchSizeOptions withInitVal(int value) {
        return new BatchSizeOptions(mode, stepsPerTrial, value, maxTrials, batchArgName, maxStepTime, maxMemoryBytes,
                tooBig);
    }

    public BatchSizeOptions withMaxTrials(int value) {
        return new BatchSizeOptions(mode, stepsPerTrial, initVal, value, batchArgName, maxStepTime, maxMemoryBytes,
                tooBig);
    }

    /** The attribute holding the batch size (Python spelling; {@code batch_size} is the field {@code batchSize}). */
    public BatchSizeOptions withBatchArgName(String value) {
        return new BatchSizeOptions(mode, stepsPerTrial, initVal, maxTrials, value, maxStepTime, maxMemoryBytes,
                tooBig);
    }

    /** A size is too big when its median step takes longer than {@code value}. */
    public BatchSizeOptions withMaxStepTime(Duration value) {
        return new BatchSizeOptions(mode, stepsPerTrial, initVal, maxTrials, batchArgName, value, maxMemoryBytes,
                tooBig);
    }

    /** A size is too big when the process's peak resident memory during its trial exceeds {@code value} bytes. */
    public BatchSizeOptions withMaxMemoryBytes(long value) {
        return new BatchSizeOptions(mode, stepsPerTrial, initVal, maxTrials, batchArgName, maxStepTime, value,
                tooBig);
    }

    /** A size is too big when {@code rule} says so (in addition to the limits above). */
    public BatchSizeOptions withTooBig(Predicate<BatchSizeTrial> rule) {
        return new BatchSizeOptions(mode, stepsPerTrial, initVal, maxTrials, batchArgName, maxStepTime,
                maxMemoryBytes, rule);
    }

    public Mode mode() {
        return mode;
    }

    public int stepsPerTrial() {
        return stepsPerTrial;
    }

    public int initVal() {
        return initVal;
    }

    public int maxTrials() {
        return maxTrials;
    }

    public String batchArgName() {
        return batchArgName;
    }

    public Duration maxStepTime() {
        return maxStepTime;
    }

    public long maxMemoryBytes() {
        return maxMemoryBytes;
    }

    /** Whether {@code trial} failed: out of memory, or over a limit or the rule. */
    boolean isTooBig(BatchSizeTrial trial) {
        if (trial.outOfMemory()) {
            return true;
        }
        if (maxStepTime != null && trial.medianStepNanos() > maxStepTime.toNanos()) {
            return true;
        }
        if (maxMemoryBytes > 0 && trial.peakResidentBytes() > maxMemoryBytes) {
            return true;
        }
        return tooBig != null && tooBig.test(trial);
    }
}
