package com.example.fulmen.jsonl;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;

import java.util.List;

/**
 * Makes {@code logger("jsonl")} work: listed in {@code META-INF/services/io.fulmen.spi.ExperimentLoggerProvider},
 * which both the classpath (ServiceLoader) and a plugin bundle (PF4J) read. One option, {@code jsonl.dir}.
 */
public final class JsonLinesLoggerProvider implements ExperimentLoggerProvider {
    @Override
    public String name() {
        return "jsonl";
    }

    @Override
    public String description() {
        return "one JSON object per line in <root>/jsonl/metrics.jsonl";
    }

    @Override
    public int priority() {
        // Below the built-in loggers: never the default, only when asked for by name.
        return -10;
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.ofPath("dir", "jsonl", "the folder of metrics.jsonl, under the Trainer's root"));
    }

    @Override
    public ExperimentLogger create(ProviderContext context) {
        return new JsonLinesLogger(context.rootDir().resolve(context.options().getPath("dir"))
                .resolve("metrics.jsonl"));
    }
}
