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
        return new OptimizerConfig(List.of(new Entry(optimizer, null)));
    }

    /** Several optimizers (for manual optimization), none scheduled. */
    public static OptimizerConfig of(Optimizer... optimizers) {
        List<Entry> list = new ArrayList<>();
        for (Optimizer o : optimizers) {
            list.add(new Entry(o, null));
        }
        return new OptimizerConfig(list);
    }

    /** Schedules the last optimizer added, stepping every {@code interval} (Lightning's default is EPOCH). */
    public OptimizerConfig withScheduler(LrScheduler scheduler, Interval interval) {
        return withScheduler(scheduler, interval, 1);
    }

    /** Schedules the last optimizer added, stepping every {@code frequency} intervals. */
    public OptimizerConfig withScheduler(LrScheduler scheduler, Interval interval, int frequency) {
        return withScheduler(LrSchedulerConfig.builder(scheduler).interval(interval).frequency(frequency).build());
    }

    /**
     * Schedules the last optimizer added with a {@link ReduceLROnPlateau} watching {@code monitor}, stepped at the
     * end of every training epoch (Lightning's {@code {"lr_scheduler": scheduler, "monitor": monitor}}).
     */
    public OptimizerConfig withScheduler(ReduceLROnPlateau plateau, String monitor) {
        return withScheduler(LrSchedulerConfig.builder(plateau).monitor(monitor).build());
    }

    /** Schedules the last optimizer added as {@code config} says (Lightning's {@code lr_scheduler} dict). */
    public OptimizerConfig withScheduler(LrSchedulerConfig config) {
        List<Entry> list = new ArrayList<>(entries);
        Entry last = list.remove(list.size() - 1);
        list.add(new Entry(last.optimizer(), Objects.requireNonNull(config, "config")));
        return new OptimizerConfig(list);
    }

    /** Adds another optimizer. */
    public OptimizerConfig and(Optimizer optimizer) {
        List<Entry> list = new ArrayList<>(entries);
        list.add(new Entry(optimizer, null));
        return new OptimizerConfig(list);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** An optimizer and its optional schedule ({@code schedule} null when it has none). */
    public record Entry(Optimizer optimizer, LrSchedulerConfig schedule) {
        public Entry {
            Objects.requireNonNull(optimizer, "optimizer");
        }

        /** An optimizer with a closed-form schedule, or none when {@code scheduler} is null. */
        public Entry(Optimizer optimizer, LrScheduler scheduler, Interval interval, int frequency) {
            this(optimizer, scheduler == null ? null
                    : LrSchedulerConfig.builder(scheduler).interval(interval).frequency(frequency).build());
        }

        /** The closed-form schedule, or null (none, or a plateau schedule). */
        public LrScheduler scheduler() {
            return schedule == null ? null : schedule.scheduler();
        }

        /** When the schedule steps; {@link Interval#EPOCH} when there is none. */
        public Interval interval() {
            return schedule == null ? Interval.EPOCH : schedule.interval();
        }

        /** How many intervals between steps; 1 when there is no schedule. */
        public int frequency() {
            return schedule == null ? 1 : schedule.frequency();
        }
    }
}
