package com.example.fulmen.jsonl;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.LoggerContext;

/**
 * Makes {@code logger("jsonl")} work: listed in {@code META-INF/services/io.fulmen.spi.ExperimentLoggerProvider},
 * which both the classpath (ServiceLoader) and a plugin bundle (PF4J) read.
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
    public ExperimentLogger create(LoggerContext context) {
        String dir = context.options().get("jsonl_dir", "jsonl");
        return new JsonLinesLogger(context.rootDir().resolve(dir).resolve("metrics.jsonl"));
    }
}
