package io.fulmen.spi;

/**
 * Creates an {@link ExperimentLogger}; the highest-priority available logger is the default when the user names
 * none. {@link ProviderContext#rootDir()} is where its files go unless an option says otherwise.
 */
public interface ExperimentLoggerProvider extends ComponentProvider<ExperimentLogger> {}
