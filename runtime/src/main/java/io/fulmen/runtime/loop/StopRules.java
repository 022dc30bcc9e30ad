package io.fulmen.runtime.loop;

import io.fulmen.runtime.config.TrainerSettings;

/** When training must or may stop: {@code max_steps}, and a stop request once {@code min_epochs/min_steps} ran. */
final class StopRules {
    private final TrainerSettings settings;
    private final TrainerState state;

    StopRules(TrainerSettings settings, TrainerState state) {
        this.settings = settings;
        this.state = state;
    }

    boolean maxStepsReached() {
        return settings.maxSteps() != -1 && state.globalStep() >= settings.maxSteps();
    }

    boolean canStopEarly() {
        return state.currentEpoch() >= settings.minEpochs() && state.globalStep() >= settings.minSteps();
    }

    /** A stop was requested and min_epochs/min_steps allow it now. */
    boolean stopRequestedAndAllowed() {
        return state.shouldStop() && canStopEarly();
    }
}
