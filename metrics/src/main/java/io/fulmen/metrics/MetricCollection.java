package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Objects;

/**
 * Several prediction metrics updated with the same batch (torchmetrics' {@code MetricCollection}): the predictions
 * and targets are read to the Java heap once for all of them, and the predicted classes found once, instead of once
 * per metric. Log the members themselves, e.g. {@code log("val_f1", f1)}.
 * <pre>{@code
 * MetricCollection metrics = MetricCollection.of(accuracy, f1, auroc);
 * metrics.update(logits, labels);                 // in a step
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class MetricCollection {
    private final List<PredictionMetric> metrics;

    private MetricCollection(List<PredictionMetric> metrics) {
        this.metrics = metrics;
    }

    /** A collection of {@code metrics}, updated in this order. */
    public static MetricCollection of(PredictionMetric... metrics) {
        for (PredictionMetric m : metrics) {
            Objects.requireNonNull(m, "metric");
        }
        return new MetricCollection(List.of(metrics));
    }

    /** The members, in order. */
    public List<PredictionMetric> metrics() {
        return metrics;
    }

    /** Accumulates one batch in every member. */
    public void update(NDArray preds, NDArray target) {
        HostBatch batch = new HostBatch(preds, target);
        for (PredictionMetric m : metrics) {
            m.update(batch);
        }
    }

    /** Accumulates one batch in every member and returns each member's value of that batch alone, in order. */
    public double[] forward(NDArray preds, NDArray target) {
        HostBatch batch = new HostBatch(preds, target);
        double[] values = new double[metrics.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = metrics.get(i).forward(batch);
        }
        return values;
    }
}
