package io.fulmen.metrics;

import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/** The sum of every value since the last reset (torchmetrics' {@code SumMetric}); 0 before any. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class SumMetric extends AggregationMetric {
    private final Tally sum = addTally(1, ReduceOp.SUM);

    /** An empty sum. */
    public SumMetric() {}

    @Override
    protected void accumulate(double[] values) {
        for (double v : values) {
            sum.accumulate(0, v);
        }
    }

    @Override
    public double compute() {
        return sum.get(0);
    }
}
