package io.fulmen.accelerator.cpu;

import ai.djl.Device;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.DeviceSpec;

import java.util.List;

/**
 * The CPU as one device (Lightning's {@code CPUAccelerator}). Several CPU "devices" only make sense as several
 * processes under a data-parallel strategy; one process trains on one.
 */
public final class CpuAccelerator implements Accelerator {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public List<Device> devices(DeviceSpec spec) {
        switch (spec.kind()) {
            case AUTO, ALL:
                return List.of(Device.cpu());
            case COUNT:
                if (spec.count() == 1) {
                    return List.of(Device.cpu());
                }
                break;
            case INDICES:
                if (spec.indices().equals(List.of(0))) {
                    return List.of(Device.cpu());
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException("devices=" + spec + " is not available on the cpu accelerator: one "
                + "process trains on one CPU device; use devices(1) or \"auto\"");
    }

    @Override
    public String toString() {
        return "CpuAccelerator";
    }
}
