package io.fulmen.spi;

import org.apiguardian.api.API;

/** Reductions of collective operations across processes. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum ReduceOp {
    SUM,
    MEAN,
    MAX,
    MIN
}
