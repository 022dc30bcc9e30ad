package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/** The mean absolute error over every element (sklearn's {@code mean_absolute_error}); NaN before any update. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class MeanAbsoluteError extends PredictionMetric {
    private final Tally sums = addTally(2, ReduceOp.SUM);

    /** The mean absolute error. */
    public MeanAbsoluteError() {}

    @Override
    protected void accumulate(NDArray preds, NDArray target) {
        RegressionInputs in = RegressionInputs.of(preds, target);
        double sum = 0;
        for (int i = 0; i < in.preds().length; i++) {
            sum += Math.abs(in.preds()[i] - in.target()[i]);
        }
        sums.accumulate(0, sum);
        sums.accumulate(1, in.preds().length);
    }

    @Override
    public double compute() {
        return sums.get(1) == 0 ? Double.NaN : sums.get(0) / sums.get(1);
    }
}
