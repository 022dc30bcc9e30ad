package io.fulmen.runtime;

import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.LoggerContext;
import io.fulmen.spi.PluginOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The builder's logger arguments as loggers: instances, names, or the highest-priority logger installed. */
final class Loggers {
    private Loggers() {}

    static List<ExperimentLogger> resolve(PluginRegistry plugins, TrainerBuilder b, Path rootDir) {
        if (b.loggersOff) {
            return List.of();
        }
        LoggerContext ctx = new LoggerContext(rootDir, new PluginOptions(b.options));
        List<ExperimentLogger> list = new ArrayList<>(b.loggerInstances);
        if (b.loggerNames.isEmpty() && b.loggerInstances.isEmpty()) {
            plugins.providers(ExperimentLoggerProvider.class).best(p -> true).ifPresent(p -> list.add(AcceleratorConnector.created("logger",
                    p.name(), plugins.providers(ExperimentLoggerProvider.class).origin(p), () -> p.create(ctx))));
        }
        for (String n : b.loggerNames) {
            ExperimentLoggerProvider p = plugins.providers(ExperimentLoggerProvider.class).resolve(n);
            list.add(AcceleratorConnector.created("logger", p.name(), plugins.providers(ExperimentLoggerProvider.class).origin(p),
                    () -> p.create(ctx)));
        }
        return list;
    }
}
