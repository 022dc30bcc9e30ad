package io.fulmen.spi;

/**
 * Creates a {@link Strategy}; {@code "auto"} picks the highest-priority available one. Availability says whether
 * the strategy can run {@link ProviderContext#devices()} devices on each of {@link ProviderContext#numNodes()}
 * nodes.
 */
public interface StrategyProvider extends ComponentProvider<Strategy> {}
