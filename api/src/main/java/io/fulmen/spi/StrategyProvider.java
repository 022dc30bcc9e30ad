package io.fulmen.spi;

/** Creates a {@link Strategy}; {@code "auto"} picks the highest-priority one that supports the device count. */
public interface StrategyProvider extends Provider {
    /** Whether this strategy can run {@code devices} devices on each of {@code nodes} nodes. */
    boolean supports(int devices, int nodes);

    Strategy create(PluginOptions options);
}
