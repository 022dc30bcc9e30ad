package io.fulmen;

/** How values logged at several steps become one epoch value ({@code reduce_fx} in Lightning). */
public enum Reduce {
    /** Weighted mean, weighted by batch size; Lightning's default. */
    MEAN,
    SUM,
    MAX,
    MIN
}
