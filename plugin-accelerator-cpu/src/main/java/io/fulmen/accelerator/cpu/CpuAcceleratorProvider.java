package io.fulmen.accelerator.cpu;

import io.fulmen.spi.Accelerator;
import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.ProviderContext;

/** Provides the {@code "cpu"} accelerator: always available, lowest priority for {@code "auto"}. */
public final class CpuAcceleratorProvider implements AcceleratorProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "the host CPU, one device per process";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Accelerator create(ProviderContext context) {
        return new CpuAccelerator();
    }
}
