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

    /**
     * The device the process of local rank {@code localRank} trains on under a data-parallel strategy (one device
     * per process, as Lightning's {@code parallel_devices[local_rank]}): the {@code localRank}-th of
     * {@link #devices(DeviceSpec) devices(spec)}. A strategy reads the local rank from its cluster environment
     * ({@code LOCAL_RANK}).
     *
     * @param spec      the Trainer's {@code devices} argument
     * @param localRank the rank of this process on its node, from 0
     * @return the device of that rank
     * @throws IllegalArgumentException when {@code spec} names fewer devices than {@code localRank + 1}
     * @since 0.2.0
     */
    default Device deviceForLocalRank(DeviceSpec spec, int localRank) {
        List<Device> devices = devices(spec);
        if (localRank < 0 || localRank >= devices.size()) {
            throw new IllegalArgumentException("local rank " + localRank + " has no device: devices=" + spec
                    + " names " + devices.size() + " on " + name() + " " + devices + "; start one process per device");
        }
        return devices.get(localRank);
    }

    /** Prepares a device before training (e.g. selects a GPU). */
    default void setupDevice(Device device) {}

    /** Device statistics for monitoring (memory, utilisation); empty when unknown. */
    default Map<String, Double> deviceStats(Device device) {
        return Map.of();
    }

    default void teardown() {}
}
