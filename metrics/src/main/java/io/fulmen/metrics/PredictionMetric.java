package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

/**
 * A scalar metric comparing predictions with targets: classification and regression metrics. {@code update}
 * accumulates a batch, {@code forward} also returns the batch's own value, {@code compute} the value over every batch
 * since the last {@code reset}. Arrays are read to the Java heap once per call (once per batch for all the metrics of
 * a {@link MetricCollection}); the states never leave it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public abstract class PredictionMetric extends ScalarMetric {
    /** For subclasses. */
    protected PredictionMetric() {}

    /** Accumulates one batch of predictions and targets. */
    public final void update(NDArray preds, NDArray target) {
        updated();
        accumulate(preds, target);
    }

    /** Accumulates one batch and returns the metric of that batch alone (torchmetrics' {@code forward}). */
    public final double forward(NDArray preds, NDArray target) {
        return forwardBatch(() -> accumulate(preds, target));
    }

    /** Adds one batch to the states. */
    protected abstract void accumulate(NDArray preds, NDArray target);

    /** Adds one batch given as a heap copy shared with other metrics; the classification metrics read the copy. */
    void accumulate(HostBatch batch) {
        accumulate(batch.preds(), batch.target());
    }

    final void update(HostBatch batch) {
        updated();
        accumulate(batch);
    }

    final double forward(HostBatch batch) {
        return forwardBatch(() -> accumulate(batch));
    }
}
