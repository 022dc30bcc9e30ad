package io.fulmen.runtime;

import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.ExperimentLogger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The builder's logger arguments as loggers: the instances given, then the loggers {@link NamedComponents}
 * picked by name (or the highest-priority logger available), created here with their own options.
 */
final class Loggers {
    private Loggers() {}

    /**
     * The Trainer's loggers. {@code plugins} and {@code rootDir} are what the Trainer passes; the plans already hold
     * the providers and their contexts (root directory included), made when the options were checked.
     */
    static List<ExperimentLogger> resolve(PluginRegistry plugins, TrainerBuilder b, Path rootDir) {
        if (b.loggersOff) {
            return List.of();
        }
        List<ExperimentLogger> list = new ArrayList<>(b.loggerInstances);
        for (Planned<ExperimentLogger> planned : b.plannedLoggers) {
            list.add(planned.create());
        }
        return list;
    }
}
