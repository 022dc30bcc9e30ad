package io.fulmen.metrics;

import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/** The weighted mean of every value since the last reset (torchmetrics' {@code MeanMetric}); NaN before any. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class MeanMetric extends AggregationMetric {
    private final Tally sums = addTally(2, ReduceOp.SUM);

    /** An empty mean. */
    public MeanMetric() {}

    /** Accumulates {@code value} with weight {@code weight} (a batch mean with the batch size, say). */
    public void update(double value, double weight) {
        updated();
        sums.accumulate(0, value * weight);
        sums.accumulate(1, weight);
    }

    @Override
    protected void accumulate(double[] values) {
        for (double v : values) {
            sums.accumulate(0, v);
        }
        sums.accumulate(1, values.length);
    }

    @Override
    public double compute() {
        return sums.get(1) == 0 ? Double.NaN : sums.get(0) / sums.get(1);
    }
}
