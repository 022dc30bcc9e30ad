package io.fulmen.runtime;

import io.fulmen.GradientClipper.ClipAlgorithm;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The Trainer's arguments after Lightning's defaults and {@code fast_dev_run} are applied. Immutable.
 *
 * @param maxEpochs        -1 for unbounded (resolved at fit: 1000 when neither max_steps nor max_time is set)
 * @param maxSteps         -1 for unbounded
 * @param checkValEveryNEpoch null: validation counted in global batches instead of per epoch
 * @param numSanityValSteps -1 for all validation batches
 * @param seed             null when no seed was set
 */
public record TrainerSettings(
        Integer maxEpochs,
        int minEpochs,
        long maxSteps,
        long minSteps,
        Duration maxTime,
        BatchLimit limitTrainBatches,
        BatchLimit limitValBatches,
        BatchLimit limitTestBatches,
        BatchLimit limitPredictBatches,
        BatchLimit valCheckInterval,
        Integer checkValEveryNEpoch,
        int numSanityValSteps,
        int fastDevRun,
        int accumulateGradBatches,
        double gradientClipVal,
        ClipAlgorithm gradientClipAlgorithm,
        boolean deterministic,
        Long seed,
        Path defaultRootDir,
        boolean enableCheckpointing,
        boolean enableProgressBar,
        boolean enableModelSummary,
        int logEveryNSteps,
        boolean detectAnomaly,
        String engine) {

    /** max_epochs as fit uses it: Lightning's 1000 when nothing else bounds training. */
    public int effectiveMaxEpochs() {
        if (maxEpochs != null) {
            return maxEpochs;
        }
        return maxSteps == -1 && maxTime == null ? 1000 : -1;
    }
}
