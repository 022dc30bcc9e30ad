package io.fulmen.runtime.metrics;

import io.fulmen.LogOptions;
import io.fulmen.Metric;
import io.fulmen.MetricSync;
import io.fulmen.Reduce;
import org.apiguardian.api.API;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lightning's result collection: what {@code log} records, aggregated per step and per epoch, and published to
 * callback metrics, the progress bar and the loggers. A metric logged with both {@code on_step} and
 * {@code on_epoch} is forked into {@code name_step} and {@code name_epoch}, as in Lightning. Epoch values are
 * batch-size-weighted means unless another reduction is asked for; a logged {@link Metric} is not averaged: its
 * batch value is the step value, and at the end of the epoch it is synchronised, computed and reset.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class MetricStore {
    /** Which loop a value was logged in; each has its own collection. */
    public enum Scope {
        TRAIN,
        VALIDATION,
        TEST,
        PREDICT
    }

    private final Map<Scope, Map<String, Entry>> collections = new LinkedHashMap<>();
    private final Map<String, Double> callback = new LinkedHashMap<>();
    private final Map<String, Double> logged = new LinkedHashMap<>();
    private final Map<String, Double> progressBar = new LinkedHashMap<>();

    public MetricStore() {
        for (Scope s : Scope.values()) {
            collections.put(s, new LinkedHashMap<>());
        }
    }

    /**
     * Records one value. {@code stepHook} tells the hook's defaults: true in training steps and train batch hooks
     * (on_step), false elsewhere (on_epoch).
     */
    public synchronized void log(Scope scope, boolean stepHook, String name, double value, int batchSize,
                                 LogOptions options) {
        Entry e = entry(scope, stepHook, name, options, null, null);
        int weight = options.batchSize() > 0 ? options.batchSize() : Math.max(1, batchSize);
        e.add(value, weight);
    }

    /**
     * Records a stateful metric (Lightning's logging of a torchmetrics object): on step its batch value; on epoch
     * the metric itself, which {@link #publishEpoch} synchronises through {@code sync}, computes and resets.
     */
    public synchronized void log(Scope scope, boolean stepHook, String name, Metric metric, LogOptions options,
                                 MetricSync sync) {
        Entry e = entry(scope, stepHook, name, options, metric, sync);
        if (e.onStep) {
            double batchValue = metric.batchValue();
            if (Double.isNaN(batchValue)) {
                throw new IllegalStateException("log('" + name + "', metric) on step logs the value of the batch "
                        + "the metric's forward saw last, and forward was not called since its last update or reset: "
                        + "call forward(...) in the step, or log it with on_step=false");
            }
            e.add(batchValue, 1);
        } else {
            e.count++;
        }
    }

    private Entry entry(Scope scope, boolean stepHook, String name, LogOptions options, Metric metric,
                        MetricSync sync) {
        boolean onStep = options.onStep() != null ? options.onStep() : stepHook;
        boolean onEpoch = options.onEpoch() != null ? options.onEpoch() : !stepHook;
        if (!onStep && !onEpoch) {
            throw new IllegalArgumentException("log('" + name + "') with on_step=false and on_epoch=false records "
                    + "nothing: enable one of them");
        }
        Entry e = collections.get(scope).computeIfAbsent(name, n -> new Entry(n, options, onStep, onEpoch, metric));
        if (e.metric != metric) {
            throw new IllegalArgumentException("log('" + name + "') got " + describe(metric) + " after "
                    + describe(e.metric) + " earlier in this epoch: log plain values or one Metric object per name");
        }
        e.sync = sync;
        return e;
    }

    /**
     * Publishes the values logged at this step to callback and progress-bar metrics, and returns those meant for
     * the loggers (keys forked where needed).
     */
    public synchronized Map<String, Double> publishStep(Scope scope) {
        Map<String, Double> forLogger = new LinkedHashMap<>();
        for (Entry e : collections.get(scope).values()) {
            if (!e.onStep || !e.fresh) {
                continue;
            }
            e.fresh = false;
            String key = e.forked() ? e.name + "_step" : e.name;
            callback.put(e.name, e.last);
            callback.put(key, e.last);
            if (e.options.isProgBar()) {
                progressBar.put(e.name, e.last);
            }
            if (e.options.isLogger()) {
                forLogger.put(key, e.last);
            }
        }
        return forLogger;
    }

    /**
     * Ends an epoch of {@code scope}: reduces every on_epoch value, publishes it, clears the collection, and returns
     * the values meant for the loggers.
     */
    public synchronized Map<String, Double> publishEpoch(Scope scope) {
        Map<String, Double> forLogger = new LinkedHashMap<>();
        Map<String, Entry> entries = collections.get(scope);
        for (Entry e : entries.values()) {
            if (!e.onEpoch || e.count == 0) {
                continue;
            }
            double v = e.epochValue();
            String key = e.forked() ? e.name + "_epoch" : e.name;
            callback.put(e.name, v);
            callback.put(key, v);
            if (e.options.isProgBar()) {
                progressBar.put(e.name, v);
            }
            if (e.options.isLogger()) {
                forLogger.put(key, v);
            }
        }
        resetMetrics(entries);
        entries.clear();
        return forLogger;
    }

    /** Drops what was logged in {@code scope} without publishing (after the sanity check), resetting metrics. */
    public synchronized void discard(Scope scope) {
        resetMetrics(collections.get(scope));
        collections.get(scope).clear();
    }

    private static String describe(Metric metric) {
        return metric == null ? "a plain value" : "the Metric " + metric.getClass().getSimpleName() + "@"
                + Integer.toHexString(System.identityHashCode(metric));
    }

    private static void resetMetrics(Map<String, Entry> entries) {
        for (Entry e : entries.values()) {
            if (e.metric != null) {
                e.metric.reset();
            }
        }
    }

    /** Records what was actually sent to the loggers. */
    public synchronized void recordLogged(Map<String, Double> metrics) {
        logged.putAll(metrics);
    }

    public synchronized void resetVisible() {
        callback.clear();
        progressBar.clear();
        logged.clear();
    }

    /** An insertion-ordered snapshot. */
    public synchronized Map<String, Double> callbackMetrics() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(callback));
    }

    /** An insertion-ordered snapshot. */
    public synchronized Map<String, Double> loggedMetrics() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(logged));
    }

    public synchronized Map<String, Double> progressBarMetrics() {
        return new LinkedHashMap<>(progressBar);
    }

    private static final class Entry {
        final String name;
        final LogOptions options;
        final boolean onStep;
        final boolean onEpoch;
        final Metric metric;
        MetricSync sync;
        double sum;
        double weight;
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        double last;
        long count;
        boolean fresh;

        Entry(String name, LogOptions options, boolean onStep, boolean onEpoch, Metric metric) {
            this.name = name;
            this.options = options;
            this.onStep = onStep;
            this.onEpoch = onEpoch;
            this.metric = metric;
        }

        boolean forked() {
            return onStep && onEpoch;
        }

        void add(double v, int w) {
            last = v;
            fresh = true;
            count++;
            if (options.reduce() == Reduce.MEAN) {
                sum += v * w;
                weight += w;
            } else {
                sum += v;
            }
            max = Math.max(max, v);
            min = Math.min(min, v);
        }

        double epochValue() {
            if (metric != null) {
                metric.sync(sync);
                return metric.compute();
            }
            return switch (options.reduce()) {
                case MEAN -> sum / weight;
                case SUM -> sum;
                case MAX -> max;
                case MIN -> min;
            };
        }
    }
}
