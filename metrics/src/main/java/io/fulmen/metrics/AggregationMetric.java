package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

/**
 * A scalar metric aggregating values (a loss, a score per sample): every element of an array is one value. NaN
 * values are aggregated as they are, so a NaN shows in the result.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public abstract class AggregationMetric extends ScalarMetric {
    /** For subclasses. */
    protected AggregationMetric() {}

    /** Accumulates one value. */
    public final void update(double value) {
        updated();
        accumulate(new double[] {value});
    }

    /** Accumulates every element of {@code values}. */
    public final void update(NDArray values) {
        updated();
        accumulate(HeapArrays.doubles(values));
    }

    /** Accumulates one value and returns the aggregate of it alone. */
    public final double forward(double value) {
        return forwardBatch(() -> accumulate(new double[] {value}));
    }

    /** Accumulates every element of {@code values} and returns their aggregate alone. */
    public final double forward(NDArray values) {
        double[] v = HeapArrays.doubles(values);
        return forwardBatch(() -> accumulate(v));
    }

    /** Adds values to the states. */
    protected abstract void accumulate(double[] values);
}
