package io.fulmen;

import org.apiguardian.api.API;
import java.util.Objects;

/**
 * The loop arguments of a Trainer after defaults are resolved, as Lightning's trainer attributes show them to
 * callbacks: what a callback reads to know when validation and saving happen, instead of guessing from the order
 * of hook calls.
 *
 * @param maxEpochs            -1 for unbounded
 * @param minEpochs            a stop request waits until this many epochs ran
 * @param maxSteps             -1 for unbounded
 * @param minSteps             a stop request waits until this many optimizer steps ran
 * @param checkValEveryNEpoch  validation every this many epochs; null counts {@code valCheckInterval} batches
 *                             across epochs
 * @param valCheckInterval     an {@code Integer}/{@code Long} count of training batches, or a {@code Double}
 *                             fraction of the epoch, as Lightning's {@code val_check_interval}
 * @param numSanityValSteps    validation batches before training; -1 for all
 * @param fastDevRun           batches per loop under {@code fast_dev_run}, 0 when off
 * @param accumulateGradBatches batches per optimizer step
 * @param logEveryNSteps       how often step metrics reach the loggers
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public record LoopConfig(int maxEpochs, int minEpochs, long maxSteps, long minSteps, Integer checkValEveryNEpoch,
                         Number valCheckInterval, int numSanityValSteps, int fastDevRun, int accumulateGradBatches,
                         int logEveryNSteps) {
    public LoopConfig {
        Objects.requireNonNull(valCheckInterval, "valCheckInterval");
    }

    /** Lightning's defaults: 1000 epochs, validation once at the end of every epoch, 2 sanity steps. */
    public static LoopConfig defaults() {
        return new LoopConfig(1000, 0, -1, 0, 1, 1.0, 2, 0, 1, 50);
    }

    /**
     * Lightning's {@code val_check_interval == 1.0 and check_val_every_n_epoch == 1}: validation runs once, at the
     * end of every training epoch (the rule ModelCheckpoint and EarlyStopping use to act at train epoch end).
     */
    public boolean validatesOnceAtEveryEpochEnd() {
        return valCheckIntervalIsOneEpoch() && checkValEveryNEpoch != null && checkValEveryNEpoch == 1;
    }

    /** {@code val_check_interval == 1.0}, compared as Python does (an integer 1 equals 1.0). */
    public boolean valCheckIntervalIsOneEpoch() {
        return valCheckInterval.doubleValue() == 1.0;
    }
}
