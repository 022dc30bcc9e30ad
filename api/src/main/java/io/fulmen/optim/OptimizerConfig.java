package io.fulmen.optim;

import org.apiguardian.api.API;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code configureOptimizers} returns: one or more optimizers, each with an optional schedule, its interval
 * (step or epoch) and frequency (Lightning's {@code lr_scheduler} dict). Immutable.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class OptimizerConfig {
    private final List<Entry> entries;

    private OptimizerConfig(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** One optimizer with no schedule. */
    public static OptimizerConfig of(Optimizer optimizer) {
        return new OptimizerConfig(List.of(new Entry(optimizer, null, Interval.EPOCH, 1)));
    }

    /** Several optimizers (for manual optimization), none scheduled. */
    public static OptimizerConfig of(Optimizer... optimizers) {
        List<Entry> list = new ArrayList<>();
        for (Optimizer o : optimizers) {
            list.add(new Entry(o, null, Interval.EPOCH, 1));
        }
        return new OptimizerConfig(list);
    }

    /** Schedules the last optimizer added, stepping every {@code interval} (Lightning's default is EPOCH). */
    public OptimizerConfig withScheduler(LrScheduler scheduler, Interval interval) {
        return withScheduler(scheduler, interval, 1);
    }

    /** Schedules the last optimizer added, stepping every {@code frequency} intervals. */
    public OptimizerConfig withScheduler(LrScheduler scheduler, Interval interval, int frequency) {
        if (frequency <= 0) {
            throw new IllegalArgumentException("scheduler frequency must be positive, got " + frequency);
        }
        List<Entry> list = new ArrayList<>(entries);
        Entry last = list.remove(list.size() - 1);
        list.add(new Entry(last.optimizer(), Objects.requireNonNull(scheduler, "scheduler"),
                Objects.requireNonNull(interval, "interval"), frequency));
        return new OptimizerConfig(list);
    }

    /** Adds another optimizer. */
    public OptimizerConfig and(Optimizer optimizer) {
        List<Entry> list = new ArrayList<>(entries);
        list.add(new Entry(optimizer, null, Interval.EPOCH, 1));
        return new OptimizerConfig(list);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** An optimizer and its optional schedule. */
    public record Entry(Optimizer optimizer, LrScheduler scheduler, Interval interval, int frequency) {
        public Entry {
            Objects.requireNonNull(optimizer, "optimizer");
        }
    }
}
