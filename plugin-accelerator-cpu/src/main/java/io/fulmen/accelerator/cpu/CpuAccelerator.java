package io.fulmen.accelerator.cpu;

import ai.djl.Device;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.DeviceSpec;

import java.util.Collections;
import java.util.List;

/**
 * The CPU as one device (Lightning's {@code CPUAccelerator}). Several CPU "devices" ({@code devices(N)}) are
 * several processes under a data-parallel strategy, each training on the CPU; a single-device strategy refuses them.
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
                if (spec.count() >= 1) {
                    // N CPU "devices" are N processes of a data-parallel strategy, each on this machine's CPU.
                    return Collections.nCopies(spec.count(), Device.cpu());
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
                + "process trains on one CPU device; use devices(1), \"auto\", or devices(N) with strategy(\"ddp\") for N "
                + "processes");
    }

    @Override
    public String toString() {
        return "CpuAccelerator";
    }
}
