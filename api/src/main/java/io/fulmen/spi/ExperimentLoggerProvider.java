package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * Creates an {@link ExperimentLogger}; the highest-priority available logger is the default when the user names
 * none. {@link ProviderContext#rootDir()} is where its files go unless an option says otherwise.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface ExperimentLoggerProvider extends ComponentProvider<ExperimentLogger> {}
