package io.fulmen.runtime.callbacks;

import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.optim.Interval;
import io.fulmen.optim.Optimizer;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.spi.ExperimentLogger;
import org.apiguardian.api.API;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Logs the learning rate of every optimizer to every logger, as Lightning's {@code LearningRateMonitor}. Metric
 * names are {@code lr-<OptimizerName>} ({@code lr-Adam}); when several optimizers share a name the later ones get
 * {@code -1}, {@code -2}… ({@code lr-Adam}, {@code lr-Adam-1}), as Lightning names them; a schedule configured with
 * a {@code name} ({@link io.fulmen.optim.LrSchedulerConfig.Builder#name}) is logged under that name. The step is the
 * Trainer's global step. An optimizer with several parameter groups is logged per group, {@code <name>/pg1},
 * {@code <name>/pg2}…
 *
 * <p>With {@link Interval#STEP} the rates are logged before a training batch whenever the global step moved since
 * the last log, so once per optimizer step even with gradient accumulation; with {@link Interval#EPOCH}, at the
 * start of every training epoch. With no interval (Lightning's {@code logging_interval=None}) a scheduled optimizer
 * is logged when its schedule steps (per step, or at epoch start for an epoch schedule) and an unscheduled one
 * once per optimizer step.
 * A fit whose Trainer has no logger fails at setup, as in Lightning.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class LearningRateMonitor implements Callback {
    private final Interval interval;
    private long lastLoggedStep = Long.MIN_VALUE;

    /** Logs at every optimizer step (Lightning's default {@code logging_interval=None}). */
    public LearningRateMonitor() {
        this((Interval) null);
    }

    /** Logs at every optimizer step ({@link Interval#STEP} or null) or every epoch ({@link Interval#EPOCH}). */
    public LearningRateMonitor(Interval interval) {
        this.interval = interval;
    }

    /** Lightning's spelling: {@code "step"}, {@code "epoch"}, or {@code "auto"} / null for the default. */
    public static LearningRateMonitor of(String loggingInterval) {
        if (loggingInterval == null) {
            return new LearningRateMonitor();
        }
        switch (loggingInterval.trim().toLowerCase(Locale.ROOT)) {
            case "step":
                return new LearningRateMonitor(Interval.STEP);
            case "epoch":
                return new LearningRateMonitor(Interval.EPOCH);
            case "auto":
            case "none":
            case "":
                return new LearningRateMonitor();
            default:
                throw new IllegalArgumentException("logging_interval should be `step` or `epoch` or `None`, got '"
                        + loggingInterval + "'");
        }
    }

    /** The configured interval; null for the default (every step). */
    public Interval interval() {
        return interval;
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage != Stage.FIT) {
            return;
        }
        lastLoggedStep = Long.MIN_VALUE;
        if (trainer.loggers().isEmpty()) {
            throw new IllegalStateException(
                    "Cannot use `LearningRateMonitor` callback with `Trainer` that has no logger.");
        }
    }

    @Override
    public void onTrainBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx) {
        if (interval == Interval.EPOCH) {
            return;
        }
        long step = trainer.globalStep();
        if (step != lastLoggedStep) {
            lastLoggedStep = step;
            log(trainer, step, interval == null ? Interval.STEP : null, true);
        }
    }

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        if (interval == Interval.EPOCH) {
            log(trainer, trainer.globalStep(), null, true);
        } else if (interval == null) {
            log(trainer, trainer.globalStep(), Interval.EPOCH, false);
        }
    }

    private static void log(TrainerView trainer, long step, Interval scheduleInterval, boolean unscheduled) {
        List<ExperimentLogger> loggers = trainer.loggers();
        List<LightningOptimizer> optimizers = trainer.optimizers();
        if (loggers.isEmpty() || optimizers.isEmpty()) {
            return;
        }
        Map<String, Double> stats = rates(optimizers, trainer.lrSchedulerConfigs(), scheduleInterval, unscheduled);
        if (stats.isEmpty()) {
            return;
        }
        for (ExperimentLogger logger : loggers) {
            logger.logMetrics(stats, step);
        }
    }

    /** {@code lr-<name>[-k]} to the current learning rate of each optimizer, in order. */
    static Map<String, Double> rates(List<LightningOptimizer> optimizers) {
        return rates(optimizers, List.of(), null, true);
    }

    /**
     * Lightning's names and order: scheduled optimizers first, under their schedule's {@code name} or
     * {@code lr-<Optimizer>}, those whose schedule steps on {@code scheduleInterval} (any when null); then, when
     * {@code unscheduled}, the optimizers without a schedule as {@code lr-<Optimizer>}. A repeated optimizer type
     * gets {@code -1}, {@code -2}… as Lightning's {@code _add_prefix} counts it (named schedules do not count).
     */
    static Map<String, Double> rates(List<LightningOptimizer> optimizers, List<OptimizerConfig.Entry> scheduled,
                                     Interval scheduleInterval, boolean unscheduled) {
        Map<String, Integer> typeCounts = new HashMap<>();
        Set<Optimizer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, Double> stats = new LinkedHashMap<>();
        for (OptimizerConfig.Entry e : scheduled) {
            Optimizer o = e.optimizer();
            seen.add(o);
            String name = name(o, e.schedule().name(), typeCounts);
            if (scheduleInterval == null || e.schedule().interval() == scheduleInterval) {
                putGroups(stats, name, o);
            }
        }
        for (LightningOptimizer lo : optimizers) {
            Optimizer o = lo.optimizer();
            if (seen.add(o)) {
                String name = name(o, null, typeCounts);
                if (unscheduled) {
                    putGroups(stats, name, o);
                }
            }
        }
        return Collections.unmodifiableMap(stats);
    }

    /** One key per parameter group: {@code name} alone, or {@code name/pg1}, {@code name/pg2}… as Lightning. */
    private static void putGroups(Map<String, Double> stats, String name, Optimizer o) {
        int groups = o.paramGroupCount();
        if (groups == 1) {
            stats.put(name, shortest(o.learningRate()));
            return;
        }
        for (int g = 0; g < groups; g++) {
            stats.put(name + "/pg" + (g + 1), shortest(o.paramGroupLearningRate(g)));
        }
    }

    private static String name(Optimizer o, String configured, Map<String, Integer> typeCounts) {
        String type = o.name();
        if (configured == null) {
            typeCounts.merge(type, 1, Integer::sum);
        }
        String name = configured != null ? configured : "lr-" + type;
        Integer count = typeCounts.get(type);
        return count != null && count > 1 ? name + "-" + (count - 1) : name;
    }

    /** The float's shortest decimal, so 1e-3f is logged as 0.001, not 0.0010000000474974513. */
    private static double shortest(float lr) {
        return Double.parseDouble(Float.toString(lr));
    }
}
