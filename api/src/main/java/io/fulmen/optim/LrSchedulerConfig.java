package io.fulmen.optim;

import org.apiguardian.api.API;

import java.util.Objects;

/**
 * Lightning's {@code lr_scheduler_config}: a schedule ({@link LrScheduler}, or a {@link ReduceLROnPlateau}) with
 * when it steps ({@code interval}, {@code frequency}), what a plateau schedule watches ({@code monitor}), whether a
 * missing monitored metric is an error ({@code strict}: an error, else a warning and no step) and the key
 * {@code LearningRateMonitor} logs it under ({@code name}). Immutable; built with {@link #builder(LrScheduler)} or
 * {@link #builder(ReduceLROnPlateau)}.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class LrSchedulerConfig {
    private final LrScheduler scheduler;
    private final ReduceLROnPlateau plateau;
    private final Interval interval;
    private final int frequency;
    private final String monitor;
    private final boolean strict;
    private final String name;

    private LrSchedulerConfig(Builder b) {
        this.scheduler = b.scheduler;
        this.plateau = b.plateau;
        this.interval = b.interval;
        this.frequency = b.frequency;
        this.monitor = b.monitor;
        this.strict = b.strict;
        this.name = b.name;
    }

    /** A closed-form schedule; Lightning's defaults: interval epoch, frequency 1, strict, no name. */
    public static Builder builder(LrScheduler scheduler) {
        return new Builder(Objects.requireNonNull(scheduler, "scheduler"), null);
    }

    /** A plateau schedule; {@link Builder#monitor} is required. */
    public static Builder builder(ReduceLROnPlateau plateau) {
        return new Builder(null, Objects.requireNonNull(plateau, "plateau"));
    }

    /** The closed-form schedule, or null for a plateau schedule. */
    public LrScheduler scheduler() {
        return scheduler;
    }

    /** The plateau schedule, or null. */
    public ReduceLROnPlateau plateau() {
        return plateau;
    }

    /** Lightning's {@code reduce_on_plateau}. */
    public boolean reduceOnPlateau() {
        return plateau != null;
    }

    public Interval interval() {
        return interval;
    }

    public int frequency() {
        return frequency;
    }

    /** The metric a plateau schedule watches; null when none was given. */
    public String monitor() {
        return monitor;
    }

    public boolean strict() {
        return strict;
    }

    /** The learning-rate monitor's key for this schedule, or null for its default {@code lr-<Optimizer>}. */
    public String name() {
        return name;
    }

    /** What loggers and messages call the schedule itself, e.g. {@code CosineAnnealingLR}. */
    public String schedulerName() {
        return plateau != null ? "ReduceLROnPlateau" : scheduler.name();
    }

    @Override
    public String toString() {
        return "LrSchedulerConfig(" + schedulerName() + ", interval=" + interval + ", frequency=" + frequency
                + (monitor != null ? ", monitor=" + monitor : "") + ", strict=" + strict
                + (name != null ? ", name=" + name : "") + ")";
    }

    /** Lightning's keys with its defaults. */
    public static final class Builder {
        private final LrScheduler scheduler;
        private final ReduceLROnPlateau plateau;
        private Interval interval = Interval.EPOCH;
        private int frequency = 1;
        private String monitor;
        private boolean strict = true;
        private String name;

        private Builder(LrScheduler scheduler, ReduceLROnPlateau plateau) {
            this.scheduler = scheduler;
            this.plateau = plateau;
        }

        /** Step after every optimizer step or every training epoch (default). */
        public Builder interval(Interval value) {
            this.interval = Objects.requireNonNull(value, "interval");
            return this;
        }

        /** Step every {@code value} intervals (default 1). */
        public Builder frequency(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("scheduler frequency must be positive, got " + value);
            }
            this.frequency = value;
            return this;
        }

        /** The metric a plateau schedule watches, as logged ({@code trainer.callbackMetrics()}). */
        public Builder monitor(String value) {
            this.monitor = value;
            return this;
        }

        /** True (default): a missing monitored metric fails the fit; false: a warning and the step is skipped. */
        public Builder strict(boolean value) {
            this.strict = value;
            return this;
        }

        /** The key {@code LearningRateMonitor} logs this schedule's learning rate under. */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** Fails, as Lightning does, when a plateau schedule has no monitor. */
        public LrSchedulerConfig build() {
            if (plateau != null && (monitor == null || monitor.isBlank())) {
                throw new IllegalArgumentException("The lr scheduler config must include a monitor when a "
                        + "`ReduceLROnPlateau` scheduler is used. For example: LrSchedulerConfig.builder(plateau)"
                        + ".monitor(\"val_loss\").build(), or OptimizerConfig.of(optimizer).withScheduler(plateau, "
                        + "\"val_loss\")");
            }
            return new LrSchedulerConfig(this);
        }
    }
}
