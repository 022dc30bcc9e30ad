package io.fulmen.runtime.strategy;

import io.fulmen.spi.PluginOptions;
import io.fulmen.spi.SingleDeviceStrategy;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyProvider;

/** Provides {@code "single_device"}, the {@code "auto"} strategy for one device. */
public final class SingleDeviceStrategyProvider implements StrategyProvider {
    @Override
    public String name() {
        return "single_device";
    }

    @Override
    public String description() {
        return "one process on one device";
    }

    @Override
    public boolean supports(int devices, int nodes) {
        return devices == 1 && nodes == 1;
    }

    @Override
    public Strategy create(PluginOptions options) {
        return new SingleDeviceStrategy();
    }
}
