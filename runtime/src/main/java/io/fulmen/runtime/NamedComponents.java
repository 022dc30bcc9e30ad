package io.fulmen.runtime;

import io.fulmen.callback.Callback;
import io.fulmen.logging.RunDirectory;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.RunStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The loggers and callbacks a build asks for by name, picked (and their options claimed) before any of them is
 * created; the Trainer creates them once every option was checked.
 */
final class NamedComponents {
    private final List<Planned<ExperimentLogger>> loggers;
    private final List<Supplier<Callback>> callbacks;

    private NamedComponents(List<Planned<ExperimentLogger>> loggers, List<Supplier<Callback>> callbacks) {
        this.loggers = loggers;
        this.callbacks = callbacks;
    }

    /** A callback the user gave: an instance, or a provider's name. */
    record CallbackRequest(Callback instance, String name) {}

    /** Picks the loggers (those named, else the highest-priority available one) and the named callbacks. */
    static NamedComponents plan(PluginRegistry plugins, TrainerBuilder b, ProviderContext context,
                                TrainerOptions options) {
        Registry<ExperimentLoggerProvider> loggerRegistry = plugins.providers(ExperimentLoggerProvider.class);
        List<Planned<ExperimentLogger>> loggers = new ArrayList<>();
        if (!b.loggersOff) {
            if (b.loggerNames.isEmpty() && b.loggerInstances.isEmpty()) {
                loggerRegistry.bestAvailable(context)
                        .ifPresent(p -> loggers.add(Planned.of(loggerRegistry, p, context, options)));
            }
            for (String name : b.loggerNames) {
                loggers.add(Planned.of(loggerRegistry, ProviderPicker.named(loggerRegistry, name, context), context,
                        options));
            }
        }
        Registry<CallbackProvider> callbackRegistry = plugins.providers(CallbackProvider.class);
        List<Supplier<Callback>> callbacks = new ArrayList<>();
        for (CallbackRequest r : b.callbackRequests) {
            if (r.instance() != null) {
                callbacks.add(r::instance);
            } else {
                Planned<Callback> planned = Planned.of(callbackRegistry, ProviderPicker.named(callbackRegistry,
                        r.name(), context), context, options);
                callbacks.add(() -> InBundle.callback(planned));
            }
        }
        return new NamedComponents(loggers, callbacks);
    }

    /** The callbacks asked for, instances and the named ones created now, in the order they were given. */
    List<Callback> createCallbacks() {
        List<Callback> out = new ArrayList<>();
        callbacks.forEach(c -> out.add(c.get()));
        return out;
    }

    /**
     * The loggers: the instances given, then those picked by name (or the default), created now; each created one
     * is tracked in {@code rollback}, to be finished as failed should the build fail.
     */
    List<ExperimentLogger> createLoggers(List<ExperimentLogger> instances, BuildRollback rollback) {
        List<ExperimentLogger> out = new ArrayList<>(instances);
        loggers.forEach(l -> out.add(rollback.track(InBundle.logger(l), logger -> logger.finish(RunStatus.FAILED))));
        refuseTwoOfAKindInOneRunFolder(out);
        return out;
    }

    /** Two loggers of one kind in one run folder would write the same files (two CSV loggers: one metrics.csv). */
    private static void refuseTwoOfAKindInOneRunFolder(List<ExperimentLogger> loggers) {
        for (int i = 0; i < loggers.size(); i++) {
            for (int j = i + 1; j < loggers.size(); j++) {
                ExperimentLogger a = loggers.get(i);
                ExperimentLogger b = loggers.get(j);
                Optional<RunDirectory> run = a.runDirectory();
                if (run.isPresent() && run.equals(b.runDirectory()) && InBundle.kind(a) == InBundle.kind(b)) {
                    throw new IllegalArgumentException("two " + InBundle.kind(a).getSimpleName() + "s would write "
                            + "the same files in the run folder " + run.get().versionsDir().resolve("version_N")
                            + ": give one its own name or version, or drop one");
                }
            }
        }
    }
}
