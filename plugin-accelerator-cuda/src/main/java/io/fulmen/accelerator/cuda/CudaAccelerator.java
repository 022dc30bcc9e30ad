package io.fulmen.accelerator.cuda;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.Availability;
import io.fulmen.spi.DeviceSpec;

import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NVIDIA GPUs through DJL's PyTorch engine (Lightning's {@code CUDAAccelerator}): devices are the GPUs the CUDA
 * runtime shows this process, numbered from 0 after {@code CUDA_VISIBLE_DEVICES}, as in torch.
 *
 * <p>Device statistics come from the CUDA runtime ({@code cudaMemGetInfo} through DJL's {@code CudaUtils}): memory in
 * use on the whole device, its total, and the peak of the samples this accelerator took. DJL's JNI does not expose
 * torch's caching-allocator statistics ({@code torch.cuda.memory_stats}: allocated/reserved bytes of this process),
 * so those are not reported.
 */
public final class CudaAccelerator implements Accelerator {
    private static final System.Logger LOG = System.getLogger(CudaAccelerator.class.getName());

    private final CudaEnvironment environment;
    private final Map<Integer, Long> peakUsed = new ConcurrentHashMap<>();
    private volatile boolean statsWarned;

    CudaAccelerator(CudaEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public List<Device> devices(DeviceSpec spec) {
        Availability availability = environment.availability();
        if (!availability.isAvailable()) {
            throw new IllegalStateException("accelerator 'cuda' cannot train here: " + availability.reason());
        }
        return GpuIds.select(spec, environment.engineGpuCount(), environment.visibleNote()).stream()
                .map(Device::gpu).toList();
    }

    /** Checks that {@code device} is a GPU this process sees, and starts its peak-memory tracking afresh. */
    @Override
    public void setupDevice(Device device) {
        if (!device.isGpu()) {
            throw new IllegalArgumentException("the cuda accelerator trains on GPUs, got " + device
                    + ": use accelerator(\"cpu\") for the CPU");
        }
        if (device.getDeviceId() >= environment.engineGpuCount()) {
            throw new IllegalArgumentException(device + " does not exist: this process sees "
                    + environment.engineGpuCount() + " GPU(s)" + (environment.visibleNote().isEmpty() ? ""
                    : " (" + environment.visibleNote() + ")"));
        }
        peakUsed.remove(device.getDeviceId());
    }

    /**
     * {@code gpu_memory_used_bytes} (in use on the device, by every process), {@code gpu_memory_total_bytes},
     * {@code gpu_memory_used_percent} and {@code gpu_memory_used_peak_bytes} (the highest use this accelerator
     * sampled); empty for a non-GPU device or when the CUDA runtime cannot be asked.
     */
    @Override
    public Map<String, Double> deviceStats(Device device) {
        if (!device.isGpu()) {
            return Map.of();
        }
        MemoryUsage memory;
        try {
            memory = CudaUtils.getGpuMemory(device);
        } catch (RuntimeException | LinkageError e) {
            if (!statsWarned) {
                statsWarned = true;
                LOG.log(System.Logger.Level.WARNING, "GPU memory statistics are unavailable (the CUDA runtime, "
                        + "libcudart, could not be asked through DJL's CudaUtils): " + e);
            }
            return Map.of();
        }
        long used = memory.getUsed();
        long peak = peakUsed.merge(device.getDeviceId(), used, Math::max);
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("gpu_memory_used_bytes", (double) used);
        stats.put("gpu_memory_used_peak_bytes", (double) peak);
        stats.put("gpu_memory_total_bytes", (double) memory.getMax());
        if (memory.getMax() > 0) {
            stats.put("gpu_memory_used_percent", 100.0 * used / memory.getMax());
        }
        return stats;
    }

    @Override
    public String toString() {
        return "CudaAccelerator";
    }
}
