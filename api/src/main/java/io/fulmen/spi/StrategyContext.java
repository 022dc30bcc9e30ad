package io.fulmen.spi;

import ai.djl.Device;

import java.util.List;

/** What a {@link Strategy} is set up with: the accelerator, the devices of this node, and the node count. */
public record StrategyContext(Accelerator accelerator, List<Device> devices, int numNodes) {
    public StrategyContext {
        devices = List.copyOf(devices);
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a strategy needs at least one device");
        }
        if (numNodes < 1) {
            throw new IllegalArgumentException("numNodes must be >= 1, got " + numNodes);
        }
    }
}
