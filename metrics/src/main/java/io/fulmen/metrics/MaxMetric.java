package io.fulmen.metrics;

import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/** The largest value since the last reset (torchmetrics' {@code MaxMetric}); negative infinity before any. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class MaxMetric extends AggregationMetric {
    private final Tally max = addTally(1, ReduceOp.MAX);

    /** An empty maximum. */
    public MaxMetric() {}

    @Override
    protected void accumulate(double[] values) {
        for (double v : values) {
            max.accumulate(0, v);
        }
    }

    @Override
    public double compute() {
        return max.get(0);
    }
}
