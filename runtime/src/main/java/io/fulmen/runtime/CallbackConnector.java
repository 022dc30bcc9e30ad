package io.fulmen.runtime;

import io.fulmen.callback.Callback;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.runtime.callbacks.ModelSummary;
import io.fulmen.runtime.callbacks.ProgressBar;
import io.fulmen.runtime.callbacks.Timer;
import io.fulmen.runtime.checkpoint.CheckpointLocator;
import io.fulmen.runtime.config.TrainerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Trainer's callbacks (Lightning's {@code _CallbackConnector}): the user's, then the built-ins the arguments
 * ask for, and, per call, the module's {@code configureCallbacks()} merged in. Checkpoint callbacks always run
 * last, so what they save includes every other callback's state after its update.
 */
final class CallbackConnector {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackConnector.class);

    private final List<Callback> trainerCallbacks;

    CallbackConnector(List<Callback> user, TrainerSettings settings, PrintStream out, boolean interactive) {
        List<Callback> list = new ArrayList<>(user);
        if (settings.maxTime() != null) {
            list.add(new Timer(settings.maxTime()));
        }
        if (settings.enableProgressBar()) {
            list.add(new ProgressBar(out, interactive));
        }
        if (settings.enableModelSummary()) {
            list.add(new ModelSummary(out));
        }
        boolean hasCheckpointing = list.stream().anyMatch(CallbackConnector::isCheckpoint);
        if (settings.enableCheckpointing() && !hasCheckpointing) {
            list.add(new ModelCheckpoint());
        }
        this.trainerCallbacks = checkpointsLast(list);
    }

    /** The Trainer's own callbacks, in the order they run. */
    List<Callback> callbacks() {
        return trainerCallbacks;
    }

    /**
     * The callbacks of one call: a module callback replaces every Trainer callback of its class or a superclass of
     * it (Lightning's {@code _attach_model_callbacks}), and checkpoint callbacks move last again.
     */
    List<Callback> withModuleCallbacks(List<Callback> fromModule) {
        if (fromModule == null || fromModule.isEmpty()) {
            return trainerCallbacks;
        }
        Set<Class<?>> overridden = new LinkedHashSet<>();
        for (Callback m : fromModule) {
            for (Callback t : trainerCallbacks) {
                if (t.getClass() != Callback.class && t.getClass().isAssignableFrom(m.getClass())) {
                    overridden.add(t.getClass());
                }
            }
        }
        if (!overridden.isEmpty()) {
            LOG.info("The module's configureCallbacks() replaces the Trainer's {}",
                    overridden.stream().map(Class::getSimpleName).toList());
        }
        List<Callback> merged = new ArrayList<>();
        trainerCallbacks.stream().filter(c -> !overridden.contains(c.getClass())).forEach(merged::add);
        merged.addAll(fromModule);
        return checkpointsLast(merged);
    }

    private static boolean isCheckpoint(Callback c) {
        return c instanceof CheckpointLocator;
    }

    private static List<Callback> checkpointsLast(List<Callback> callbacks) {
        List<Callback> ordered = new ArrayList<>();
        callbacks.stream().filter(c -> !isCheckpoint(c)).forEach(ordered::add);
        callbacks.stream().filter(CallbackConnector::isCheckpoint).forEach(ordered::add);
        return List.copyOf(ordered);
    }
}
