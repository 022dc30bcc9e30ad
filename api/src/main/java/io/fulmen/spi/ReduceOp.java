package io.fulmen.spi;

/** Reductions of collective operations across processes. */
public enum ReduceOp {
    SUM,
    MEAN,
    MAX,
    MIN
}
