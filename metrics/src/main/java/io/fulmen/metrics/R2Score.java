package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/**
 * The coefficient of determination R² over every element taken as one output (sklearn's {@code r2_score}): 1 minus
 * the residual sum of squares over the total sum of squares. When the targets are constant it is 1 for a perfect
 * prediction and 0 otherwise, as sklearn's; NaN before any update.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class R2Score extends PredictionMetric {
    private static final int TARGET_SUM = 0;
    private static final int TARGET_SQUARES = 1;
    private static final int RESIDUAL_SQUARES = 2;
    private static final int COUNT = 3;

    private final Tally sums = addTally(4, ReduceOp.SUM);

    /** The R² score. */
    public R2Score() {}

    @Override
    protected void accumulate(NDArray preds, NDArray target) {
        RegressionInputs in = RegressionInputs.of(preds, target);
        double y = 0;
        double yy = 0;
        double rr = 0;
        for (int i = 0; i < in.preds().length; i++) {
            double t = in.target()[i];
            double r = t - in.preds()[i];
            y += t;
            yy += t * t;
            rr += r * r;
        }
        sums.accumulate(TARGET_SUM, y);
        sums.accumulate(TARGET_SQUARES, yy);
        sums.accumulate(RESIDUAL_SQUARES, rr);
        sums.accumulate(COUNT, in.preds().length);
    }

    @Override
    public double compute() {
        double n = sums.get(COUNT);
        if (n == 0) {
            return Double.NaN;
        }
        double mean = sums.get(TARGET_SUM) / n;
        double total = sums.get(TARGET_SQUARES) - n * mean * mean;
        double residual = sums.get(RESIDUAL_SQUARES);
        if (total <= 0) {
            return residual == 0 ? 1.0 : 0.0;
        }
        return 1 - residual / total;
    }
}
