package io.fulmen.spi;

/** Creates an {@link ExperimentLogger}; the highest-priority logger present is the default. */
public interface ExperimentLoggerProvider extends Provider {
    ExperimentLogger create(LoggerContext context);
}
