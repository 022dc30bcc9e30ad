package io.fulmen.spi;

/** How a run ended, for {@link ExperimentLogger#finish}. */
public enum RunStatus {
    SUCCESS,
    FAILED,
    INTERRUPTED
}
