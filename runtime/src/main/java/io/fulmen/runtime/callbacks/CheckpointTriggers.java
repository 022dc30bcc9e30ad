package io.fulmen.runtime.callbacks;

import io.fulmen.LoopConfig;
import io.fulmen.TrainerView;
import io.fulmen.pyformat.PyTimedelta;

import java.time.Duration;

/**
 * When {@link ModelCheckpoint} saves: Lightning's {@code __init_triggers} (every n epochs, every n train steps or
 * every time interval, mutually exclusive), {@code _should_save_on_train_epoch_end}, and the clock of the time-based
 * trigger.
 */
final class CheckpointTriggers {

    private final int everyNTrainSteps;
    private final int everyNEpochs;
    private final Duration trainTimeInterval;
    private final Boolean saveOnTrainEpochEnd;
    private Long lastTimeChecked; // System.nanoTime(), set at train start

    CheckpointTriggers(Integer everyNTrainSteps, Integer everyNEpochs, Duration trainTimeInterval,
                       Boolean saveOnTrainEpochEnd) {
        // every_n_epochs=1 when no trigger is given, else the missing ones are 0.
        if (everyNTrainSteps == null && everyNEpochs == null && trainTimeInterval == null) {
            this.everyNEpochs = 1;
            this.everyNTrainSteps = 0;
        } else {
            this.everyNEpochs = everyNEpochs == null ? 0 : everyNEpochs;
            this.everyNTrainSteps = everyNTrainSteps == null ? 0 : everyNTrainSteps;
        }
        this.trainTimeInterval = trainTimeInterval;
        this.saveOnTrainEpochEnd = saveOnTrainEpochEnd;
    }

    /** The trigger checks of {@code __validate_init_configuration}, with Lightning's messages. */
    void validate() {
        if (everyNTrainSteps < 0) {
            throw new IllegalArgumentException("Invalid value for every_n_train_steps=" + everyNTrainSteps
                    + ". Must be >= 0");
        }
        if (everyNEpochs < 0) {
            throw new IllegalArgumentException("Invalid value for every_n_epochs=" + everyNEpochs + ". Must be >= 0");
        }
        int triggered = (everyNTrainSteps >= 1 ? 1 : 0) + (everyNEpochs >= 1 ? 1 : 0)
                + (trainTimeInterval != null ? 1 : 0);
        if (triggered > 1) {
            throw new IllegalArgumentException("Combination of parameters every_n_train_steps=" + everyNTrainSteps
                    + ", every_n_epochs=" + everyNEpochs + " and train_time_interval="
                    + (trainTimeInterval == null ? "None" : PyTimedelta.str(trainTimeInterval))
                    + " should be mutually exclusive.");
        }
    }

    int everyNTrainSteps() {
        return everyNTrainSteps;
    }

    int everyNEpochs() {
        return everyNEpochs;
    }

    Duration trainTimeInterval() {
        return trainTimeInterval;
    }

    Boolean saveOnTrainEpochEnd() {
        return saveOnTrainEpochEnd;
    }

    /** Starts the clock of {@code trainTimeInterval}. */
    void onTrainStart() {
        lastTimeChecked = System.nanoTime();
    }

    /**
     * Whether a training batch ending at {@code globalStep} saves: {@code globalStep % everyNTrainSteps == 0}, or
     * {@code trainTimeInterval} has passed since the last time it did (which restarts the clock).
     */
    boolean dueAtTrainBatchEnd(long globalStep) {
        boolean skipBatch = everyNTrainSteps < 1 || globalStep % everyNTrainSteps != 0;
        boolean skipTime = true;
        long now = System.nanoTime();
        if (trainTimeInterval != null && !trainTimeInterval.isZero()) { // Python: `if train_time_interval:`
            Long prev = lastTimeChecked;
            skipTime = prev == null || Duration.ofNanos(now - prev).compareTo(trainTimeInterval) < 0;
        }
        if (skipBatch && skipTime) {
            return false;
        }
        if (!skipTime) {
            lastTimeChecked = now;
        }
        return true;
    }

    /** Whether the end of epoch {@code currentEpoch} (0-based) saves the top k: every {@code everyNEpochs}-th. */
    boolean topKDueAtEpochEnd(int currentEpoch) {
        return everyNEpochs >= 1 && (currentEpoch + 1) % everyNEpochs == 0;
    }

    /**
     * {@code _should_save_on_train_epoch_end}: at train epoch end unless validation runs on other epochs or more
     * than once an epoch, in which case after validation.
     */
    boolean savesOnTrainEpochEnd(TrainerView trainer) {
        if (saveOnTrainEpochEnd != null) {
            return saveOnTrainEpochEnd;
        }
        LoopConfig config = trainer.config();
        Integer every = config.checkValEveryNEpoch();
        if (every == null || every != 1) {
            return false;
        }
        return trainer.numValBatches() == 0 || config.valCheckIntervalIsOneEpoch();
    }
}
