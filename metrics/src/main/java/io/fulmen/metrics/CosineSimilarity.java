package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/**
 * The mean cosine similarity of corresponding rows of predictions and targets ({@code [N, D]}; a vector is one row):
 * the mean of the diagonal of sklearn's {@code cosine_similarity(preds, target)}. A zero row has similarity 0, as in
 * sklearn; NaN before any update.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class CosineSimilarity extends PredictionMetric {
    private final Tally sums = addTally(2, ReduceOp.SUM);

    /** The mean cosine similarity. */
    public CosineSimilarity() {}

    @Override
    protected void accumulate(NDArray preds, NDArray target) {
        RegressionInputs in = RegressionInputs.of(preds, target);
        int width = preds.getShape().dimension() < 2 ? in.preds().length : (int) preds.getShape().tail();
        int rows = width == 0 ? 0 : in.preds().length / width;
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            double pp = 0;
            double tt = 0;
            for (int i = r * width; i < (r + 1) * width; i++) {
                double p = in.preds()[i];
                double t = in.target()[i];
                dot += p * t;
                pp += p * p;
                tt += t * t;
            }
            double norms = Math.sqrt(pp) * Math.sqrt(tt);
            sums.accumulate(0, norms == 0 ? 0 : dot / norms);
        }
        sums.accumulate(1, rows);
    }

    @Override
    public double compute() {
        return sums.get(1) == 0 ? Double.NaN : sums.get(0) / sums.get(1);
    }
}
