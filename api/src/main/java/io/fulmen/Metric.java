package io.fulmen;

import org.apiguardian.api.API;

/**
 * A stateful metric the Trainer can log (torchmetrics' {@code Metric} as Lightning's {@code self.log} sees it): its
 * states accumulate over the batches it is updated with, {@link #compute()} reduces them to one value and
 * {@link #reset()} clears them. Implementations live in {@code fulmen-metrics} ({@code io.fulmen.metrics}); this
 * interface is all the Trainer needs.
 *
 * <p>Logged with {@link LightningModule#log(String, Metric, LogOptions)}, a metric is not averaged per batch: on
 * step the Trainer logs {@link #batchValue()}, the value of the batch the metric's {@code forward} saw last; on
 * epoch it calls {@link #sync(MetricSync)}, then {@link #compute()}, and then {@link #reset()} at the end of the
 * epoch.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface Metric {
    /** The value over everything accumulated since the last {@link #reset()}. */
    double compute();

    /**
     * The value of the last batch given to {@code forward} alone, or {@code NaN} when no {@code forward} came since
     * the last {@code update} or {@link #reset()}.
     */
    double batchValue();

    /** Clears the accumulated states. */
    void reset();

    /**
     * Replaces this process's states with their reduction over every process (sums of counters, gathered samples),
     * so that {@link #compute()} sees the whole data set; with one process it changes nothing.
     */
    void sync(MetricSync sync);
}
