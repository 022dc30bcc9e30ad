package io.fulmen.runtime.strategy;

import ai.djl.Device;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyContext;

/** One process, one device (Lightning's {@code SingleDeviceStrategy}); collectives are identities. */
public final class SingleDeviceStrategy implements Strategy {
    private Device device;

    @Override
    public String name() {
        return "single_device";
    }

    @Override
    public void setup(StrategyContext context) {
        if (context.devices().size() != 1 || context.numNodes() != 1) {
            throw new IllegalArgumentException("single_device trains on exactly one device of one node, got "
                    + context.devices().size() + " device(s) on " + context.numNodes()
                    + " node(s): choose devices(1), or a data-parallel strategy");
        }
        this.device = context.devices().get(0);
        context.accelerator().setupDevice(device);
    }

    @Override
    public Device rootDevice() {
        if (device == null) {
            throw new IllegalStateException("single_device strategy used before setup");
        }
        return device;
    }
}
