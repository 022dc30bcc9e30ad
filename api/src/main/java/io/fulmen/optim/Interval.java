package io.fulmen.optim;

/** When a scheduler steps: after every optimizer step, or at the end of every training epoch. */
public enum Interval {
    STEP,
    EPOCH
}
