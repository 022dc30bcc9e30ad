package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * Creates a {@link Strategy}; {@code "auto"} picks the highest-priority available one. Availability says whether
 * the strategy can run {@link ProviderContext#devices()} devices on each of {@link ProviderContext#numNodes()}
 * nodes.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface StrategyProvider extends ComponentProvider<Strategy> {}
