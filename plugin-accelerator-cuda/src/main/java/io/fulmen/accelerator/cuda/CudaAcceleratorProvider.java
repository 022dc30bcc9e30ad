package io.fulmen.accelerator.cuda;

import io.fulmen.spi.Accelerator;
import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.Availability;
import io.fulmen.spi.ProviderContext;

import java.util.List;

/**
 * Provides the {@code "cuda"} accelerator (alias {@code "gpu"}, as in Lightning). It outranks the CPU for
 * {@code accelerator("auto")} and is available only when a GPU is visible and DJL loaded CUDA natives; otherwise its
 * availability names what was found (driver, GPUs, libtorch flavor) and how to provide CUDA natives.
 *
 * <p>The environment is detected once per provider, on first use: loading the engine is what tells whether its
 * natives have CUDA, and the Trainer loads it anyway.
 */
public final class CudaAcceleratorProvider implements AcceleratorProvider {
    private volatile CudaEnvironment environment;

    /** A provider that detects this process's environment when first asked. */
    public CudaAcceleratorProvider() {}

    CudaAcceleratorProvider(CudaEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public List<String> aliases() {
        return List.of("gpu");
    }

    @Override
    public String description() {
        return "NVIDIA GPUs through DJL's PyTorch engine (needs a CUDA build of libtorch)";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability(ProviderContext context) {
        return environment().availability();
    }

    /** Every visible GPU, as Lightning's {@code devices="auto"} on CUDA; 1 when there is none. */
    @Override
    public int autoDeviceCount() {
        return Math.max(1, environment().engineGpuCount());
    }

    @Override
    public Accelerator create(ProviderContext context) {
        return new CudaAccelerator(environment());
    }

    CudaEnvironment environment() {
        CudaEnvironment e = environment;
        if (e == null) {
            e = CudaEnvironment.detect();
            environment = e;
        }
        return e;
    }
}
