package io.fulmen.metrics;

import io.fulmen.Metric;
import org.apiguardian.api.API;

/**
 * A stateful metric whose value is one number, so a module can log it with {@code log(name, metric)}. Subclasses
 * call {@link #updated()} at the start of every update and compute a batch value with {@link #forwardBatch}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public abstract class ScalarMetric extends StatefulMetric implements Metric {
    private double batchValue = Double.NaN;

    /** For subclasses. */
    protected ScalarMetric() {}

    @Override
    public abstract double compute();

    @Override
    public final double batchValue() {
        return batchValue;
    }

    @Override
    public void reset() {
        super.reset();
        batchValue = Double.NaN;
    }

    /** An update without forward: the last batch value no longer describes the last batch. */
    protected final void updated() {
        batchValue = Double.NaN;
    }

    /** Runs {@code update} as one batch: returns and remembers its value alone, and accumulates it. */
    protected final double forwardBatch(Runnable update) {
        double v = onBatchAlone(update, this::compute);
        batchValue = v;
        return v;
    }
}
