package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/**
 * The mean squared error over every element (sklearn's {@code mean_squared_error}), or its square root with
 * {@link #root()}; NaN before any update.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class MeanSquaredError extends PredictionMetric {
    private final boolean root;
    private final Tally sums = addTally(2, ReduceOp.SUM);

    private MeanSquaredError(boolean root) {
        this.root = root;
    }

    /** The mean squared error. */
    public MeanSquaredError() {
        this(false);
    }

    /** The root mean squared error ({@code squared=False}). */
    public static MeanSquaredError root() {
        return new MeanSquaredError(true);
    }

    @Override
    protected void accumulate(NDArray preds, NDArray target) {
        RegressionInputs in = RegressionInputs.of(preds, target);
        double sum = 0;
        for (int i = 0; i < in.preds().length; i++) {
            double d = in.preds()[i] - in.target()[i];
            sum += d * d;
        }
        sums.accumulate(0, sum);
        sums.accumulate(1, in.preds().length);
    }

    @Override
    public double compute() {
        double mse = sums.get(1) == 0 ? Double.NaN : sums.get(0) / sums.get(1);
        return root ? Math.sqrt(mse) : mse;
    }
}
