package io.fulmen.runtime.loop;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.fulmen.LightningOptimizer;
import io.fulmen.optim.Interval;
import io.fulmen.optim.LrSchedulerConfig;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.ReduceLROnPlateau;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The learning-rate schedules of one fit. Closed-form schedules step right after the optimizer step (interval step)
 * or when the epoch's batches are done (interval epoch). Plateau schedules step once the monitored metric is final,
 * as in Lightning: after the batch's validation (interval step) or after {@code on_train_epoch_end} (interval
 * epoch), only in automatic optimization, when {@code (batch_idx + 1)} or {@code (epoch + 1)} is a multiple of the
 * frequency.
 *
 * <p>A plateau step that was due but had not run when a checkpoint was written (a save in {@code on_train_epoch_end}
 * or {@code on_train_batch_end}) is recorded with the monitored value at that moment and runs when the checkpoint
 * is restored, so the resumed fit trains at the rate the uninterrupted one did. The last monitored value is also kept
 * as the fallback for the first plateau step after a restore, for a metric that is not recomputed (a validation that
 * already ran before the save).
 */
final class LrSchedules {
    private static final Logger LOG = LoggerFactory.getLogger(LrSchedules.class);
    private static final Gson GSON = new Gson();

    private final List<Schedule> schedules = new ArrayList<>();
    private final List<OptimizerConfig.Entry> configs = new ArrayList<>();

    LrSchedules(List<LightningOptimizer> optimizers, OptimizerConfig config, boolean automaticOptimization) {
        List<OptimizerConfig.Entry> entries = config.entries();
        for (int i = 0; i < entries.size(); i++) {
            OptimizerConfig.Entry e = entries.get(i);
            if (e.schedule() == null) {
                continue;
            }
            if (e.schedule().reduceOnPlateau() && !automaticOptimization) {
                LOG.warn("{} is not stepped by the Trainer in manual optimization: call its step(metric, lr) "
                        + "yourself and set the optimizer's learning rate", e.schedule().plateau());
            }
            Schedule s = new Schedule(optimizers.get(i), e.schedule());
            s.apply();
            schedules.add(s);
            configs.add(e);
        }
    }

    /** The optimizers with a schedule that still steps, with it. */
    List<OptimizerConfig.Entry> configs() {
        List<OptimizerConfig.Entry> live = new ArrayList<>();
        for (int i = 0; i < schedules.size(); i++) {
            if (!schedules.get(i).removed) {
                live.add(configs.get(i));
            }
        }
        return live;
    }

    /**
     * Stops every schedule for the rest of the fit, leaving the learning rates as they are (a callback such as SWA
     * takes them over); checkpoints record it, so a resumed fit keeps them stopped.
     */
    void clear() {
        for (Schedule s : schedules) {
            s.removed = true;
            s.pending = false;
        }
    }

    /** Advances the closed-form schedules that step on {@code interval}. */
    void stepClosedForm(Interval interval) {
        for (Schedule s : schedules) {
            if (s.plateau == null && !s.removed && s.config.interval() == interval) {
                s.tick();
            }
        }
    }

    /**
     * Marks the plateau schedules on {@code interval} whose frequency divides {@code index} (batch index + 1, or
     * epoch + 1) as due: they step at the next {@link #stepDuePlateaus}.
     */
    void plateausDue(Interval interval, long index) {
        for (Schedule s : schedules) {
            if (s.plateau != null && !s.removed && s.config.interval() == interval
                    && index % s.config.frequency() == 0) {
                s.pending = true;
            }
        }
    }

    /** Steps the due plateau schedules with the monitored values in {@code metrics}. */
    void stepDuePlateaus(Map<String, Double> metrics) {
        for (Schedule s : schedules) {
            if (s.pending) {
                s.pending = false;
                Double value = metrics.get(s.config.monitor());
                if (value == null) {
                    value = s.restoredValue;
                }
                s.restoredValue = null;
                s.stepPlateau(value, metrics);
            }
        }
    }

    /** Every schedule's state, for checkpoints; a plateau's monitored value is read from {@code metrics}. */
    JsonArray state(Map<String, Double> metrics) {
        JsonArray out = new JsonArray();
        for (Schedule s : schedules) {
            JsonObject o = new JsonObject();
            o.addProperty("optimizer", s.optimizer.index());
            o.addProperty("scheduler", s.config.schedulerName());
            o.addProperty("interval", s.config.interval().name());
            o.addProperty("frequency", s.config.frequency());
            o.addProperty("intervals", s.intervals);
            o.addProperty("steps", s.steps);
            if (s.removed) {
                o.addProperty("removed", true);
            }
            if (s.plateau != null) {
                o.add("plateau", GSON.toJsonTree(s.plateau.stateDict()));
                o.addProperty("learning_rate", s.optimizer.optimizer().learningRate());
                o.addProperty("pending", s.pending);
                Double value = metrics.get(s.config.monitor());
                if (value != null) {
                    if (Double.isFinite(value)) {
                        o.addProperty("monitor_value", value);
                    } else {
                        o.addProperty("monitor_value", value.toString());
                    }
                }
            }
            out.add(o);
        }
        return out;
    }

    /**
     * Restores what {@link #state} wrote and applies the learning rates; a plateau step that was due at the save
     * runs now.
     */
    void restore(JsonArray saved, String origin) {
        int count = saved == null ? 0 : saved.size();
        if (count != schedules.size()) {
            throw new IllegalArgumentException(origin + " has " + count + " learning-rate schedule(s) but "
                    + "configureOptimizers returned " + schedules.size());
        }
        for (int i = 0; i < count; i++) {
            JsonObject o = saved.get(i).getAsJsonObject();
            Schedule s = schedules.get(i);
            String savedName = o.has("scheduler") ? o.get("scheduler").getAsString() : s.config.schedulerName();
            boolean savedPlateau = o.has("plateau");
            if (savedPlateau != (s.plateau != null)) {
                throw new IllegalArgumentException(origin + ": learning-rate schedule " + i + " was " + savedName
                        + " when saved but is " + s.config.schedulerName() + " now");
            }
            s.intervals = o.get("intervals").getAsLong();
            s.steps = o.get("steps").getAsLong();
            s.removed = o.has("removed") && o.get("removed").getAsBoolean();
            if (s.removed) {
                continue;
            }
            if (s.plateau == null) {
                s.apply();
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> state = GSON.fromJson(o.get("plateau"), Map.class);
            s.plateau.loadStateDict(state);
            s.optimizer.optimizer().setLearningRate(o.get("learning_rate").getAsFloat());
            JsonElement value = o.get("monitor_value");
            s.restoredValue = value == null ? null : value.getAsDouble();
            if (o.has("pending") && o.get("pending").getAsBoolean()) {
                Double v = s.restoredValue;
                s.restoredValue = null;
                s.stepPlateau(v, Map.of());
            }
        }
    }

    /** A schedule bound to its optimizer with its counters; a plateau schedule's state is in its object. */
    private static final class Schedule {
        final LightningOptimizer optimizer;
        final LrSchedulerConfig config;
        final ReduceLROnPlateau plateau;
        long intervals;
        long steps;
        boolean pending;
        boolean removed;
        Double restoredValue;

        Schedule(LightningOptimizer optimizer, LrSchedulerConfig config) {
            this.optimizer = optimizer;
            this.config = config;
            this.plateau = config.plateau();
        }

        void tick() {
            intervals++;
            if (intervals % config.frequency() == 0) {
                steps++;
                apply();
            }
        }

        void apply() {
            if (plateau != null) {
                return;
            }
            var o = optimizer.optimizer();
            o.setLearningRate(config.scheduler().learningRate(steps, o.initialLearningRate()));
        }

        void stepPlateau(Double value, Map<String, Double> metrics) {
            if (value == null) {
                if (config.strict()) {
                    throw new IllegalStateException("ReduceLROnPlateau conditioned on metric " + config.monitor()
                            + " which is not available. Available metrics are: " + metrics.keySet()
                            + ". Condition can be set using `monitor` in LrSchedulerConfig (log the metric, or "
                            + "set strict(false) to skip the update when it is missing)");
                }
                LOG.warn("ReduceLROnPlateau conditioned on metric {} which is not available but strict is set to "
                        + "`False`. Skipping learning rate update.", config.monitor());
                return;
            }
            intervals++;
            steps++;
            var o = optimizer.optimizer();
            o.setLearningRate(plateau.step(value, o.learningRate()));
        }
    }
}
