package io.fulmen.spi;

import ai.djl.Device;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/** The hardware a run uses (Lightning's {@code Accelerator}): which DJL devices, and their set-up. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface Accelerator {
    String name();

    /** The devices {@code spec} names on this machine; fails with a message naming what exists. */
    List<Device> devices(DeviceSpec spec);

    /** Prepares a device before training (e.g. selects a GPU). */
    default void setupDevice(Device device) {}

    /** Device statistics for monitoring (memory, utilisation); empty when unknown. */
    default Map<String, Double> deviceStats(Device device) {
        return Map.of();
    }

    default void teardown() {}
}
