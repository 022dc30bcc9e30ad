package io.fulmen.metrics;

import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/** The smallest value since the last reset (torchmetrics' {@code MinMetric}); positive infinity before any. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class MinMetric extends AggregationMetric {
    private final Tally min = addTally(1, ReduceOp.MIN);

    /** An empty minimum. */
    public MinMetric() {}

    @Override
    protected void accumulate(double[] values) {
        for (double v : values) {
            min.accumulate(0, v);
        }
    }

    @Override
    public double compute() {
        return min.get(0);
    }
}
