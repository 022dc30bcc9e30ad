package io.fulmen.runtime.strategy;

import io.fulmen.spi.Availability;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.SingleDeviceStrategy;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyProvider;
import org.apiguardian.api.API;

/** Provides {@code "single_device"}, the {@code "auto"} strategy for one device on one node. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
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
    public Availability availability(ProviderContext context) {
        int devices = context.devices().orElse(1);
        if (devices == 1 && context.numNodes() == 1) {
            return Availability.available();
        }
        return Availability.unavailable("runs one device on one node, not " + devices + " device(s) on "
                + context.numNodes() + " node(s)");
    }

    @Override
    public Strategy create(ProviderContext context) {
        return new SingleDeviceStrategy();
    }
}
