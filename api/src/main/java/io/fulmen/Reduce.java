package io.fulmen;

import org.apiguardian.api.API;

/** How values logged at several steps become one epoch value ({@code reduce_fx} in Lightning). */
@API(status = API.Status.STABLE, since = "0.1.0")
public enum Reduce {
    /** Weighted mean, weighted by batch size; Lightning's default. */
    MEAN,
    SUM,
    MAX,
    MIN
}
