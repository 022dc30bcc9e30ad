package io.fulmen.runtime.report;

import org.apiguardian.api.API;

import java.util.List;

/**
 * One logged metric as a line: its key in {@code metrics.csv} and the finite values with the step they were
 * logged at, in file order.
 *
 * @param key    the column name ({@code train_loss_step}, {@code val_acc}…)
 * @param steps  the {@code step} of each point
 * @param values the value of each point
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public record MetricSeries(String key, List<Long> steps, List<Double> values) {
    /** Copies the lists, which must be as long as each other. */
    public MetricSeries {
        steps = List.copyOf(steps);
        values = List.copyOf(values);
        if (steps.size() != values.size()) {
            throw new IllegalArgumentException(key + ": " + steps.size() + " steps for " + values.size() + " values");
        }
    }

    /** The number of points. */
    public int size() {
        return values.size();
    }

    /**
     * The chart a key belongs in: Lightning's {@code _step} and {@code _epoch} variants of one metric share one
     * chart named after the metric.
     */
    public String chartName() {
        for (String suffix : List.of("_step", "_epoch")) {
            if (key.endsWith(suffix) && key.length() > suffix.length()) {
                return key.substring(0, key.length() - suffix.length());
            }
        }
        return key;
    }
}
