package io.fulmen.optim;

import org.apiguardian.api.API;

/** When a scheduler steps: after every optimizer step, or at the end of every training epoch. */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public enum Interval {
    STEP,
    EPOCH
}
