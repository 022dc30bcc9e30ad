package io.fulmen.spi;

import org.apiguardian.api.API;

/** How a run ended, for {@link ExperimentLogger#finish}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum RunStatus {
    SUCCESS,
    FAILED,
    INTERRUPTED
}
