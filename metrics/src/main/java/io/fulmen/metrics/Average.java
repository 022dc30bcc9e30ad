package io.fulmen.metrics;

import org.apiguardian.api.API;

/** How per-class scores of a multiclass or multilabel metric become one value (sklearn's {@code average}). */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public enum Average {
    /** From the counts summed over every class (for multiclass accuracy, precision, recall and F1: the accuracy). */
    MICRO,
    /** The unweighted mean of the per-class scores. */
    MACRO,
    /** The mean of the per-class scores weighted by each class's number of true instances (its support). */
    WEIGHTED
}
