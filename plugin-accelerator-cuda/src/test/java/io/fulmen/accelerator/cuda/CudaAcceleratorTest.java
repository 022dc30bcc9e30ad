package io.fulmen.accelerator.cuda;

import ai.djl.Device;
import io.fulmen.spi.DeviceSpec;
import io.fulmen.spi.ProviderContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accelerator on this machine (no GPU), and its device logic for a machine with four GPUs and CUDA natives,
 * described as the {@link CudaEnvironment} value detection would produce there.
 */
class CudaAcceleratorTest {
    private static final CudaEnvironment FOUR_GPUS = new CudaEnvironment("550.54.15", 4, "0,1,4,5", 4, "12.8",
            "PyTorch 2.7.1", "", "cu128", "/opt/libtorch/lib", true, 4);

    @TempDir
    Path root;

    @Test
    void onThisMachineTheProviderIsUnavailableAndDevicesSayWhy() {
        CudaAcceleratorProvider provider = new CudaAcceleratorProvider();
        assertEquals("cuda", provider.name());
        assertEquals(List.of("gpu"), provider.aliases());
        assertFalse(provider.availability(ProviderContext.of(root)).isAvailable());
        assertEquals(1, provider.autoDeviceCount());
        CudaAccelerator cuda = (CudaAccelerator) provider.create(ProviderContext.of(root));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cuda.devices(DeviceSpec.auto()));
        assertTrue(e.getMessage().startsWith("accelerator 'cuda' cannot train here: no NVIDIA GPU"), e.getMessage());
        assertTrue(e.getMessage().contains("PYTORCH_LIBRARY_PATH"), e.getMessage());
    }

    @Test
    void withGpusDevicesFollowLightning() {
        CudaAcceleratorProvider provider = new CudaAcceleratorProvider(FOUR_GPUS);
        assertTrue(provider.availability(ProviderContext.of(root)).isAvailable());
        assertEquals(4, provider.autoDeviceCount());
        CudaAccelerator cuda = (CudaAccelerator) provider.create(ProviderContext.of(root));
        assertEquals(List.of(Device.gpu(0), Device.gpu(1), Device.gpu(2), Device.gpu(3)),
                cuda.devices(DeviceSpec.auto()));
        assertEquals(List.of(Device.gpu(0), Device.gpu(2)), cuda.devices(DeviceSpec.parse("0,2")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.devices(DeviceSpec.parse("[4]")));
        assertTrue(e.getMessage().contains("[0, 1, 2, 3]") && e.getMessage().contains("CUDA_VISIBLE_DEVICES='0,1,4,5'"),
                e.getMessage());
    }

    @Test
    void eachLocalRankGetsItsOwnGpu() {
        CudaAccelerator cuda = new CudaAccelerator(FOUR_GPUS);
        DeviceSpec spec = DeviceSpec.parse("1,3");
        assertEquals(Device.gpu(1), cuda.deviceForLocalRank(spec, 0));
        assertEquals(Device.gpu(3), cuda.deviceForLocalRank(spec, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.deviceForLocalRank(spec, 2));
        assertTrue(e.getMessage().startsWith("local rank 2 has no device: devices=[1, 3] names 2"), e.getMessage());
    }

    @Test
    void setupAcceptsVisibleGpusOnly() {
        CudaAccelerator cuda = new CudaAccelerator(FOUR_GPUS);
        cuda.setupDevice(Device.gpu(3));
        assertThrows(IllegalArgumentException.class, () -> cuda.setupDevice(Device.gpu(4)));
        assertThrows(IllegalArgumentException.class, () -> cuda.setupDevice(Device.cpu()));
        assertEquals(Map.of(), cuda.deviceStats(Device.cpu()));
    }
}
