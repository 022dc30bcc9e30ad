package io.fulmen.accelerator.cuda;

import io.fulmen.spi.Availability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection on this machine: DJL's real engine with its CPU natives, no NVIDIA driver, no GPU. A second file system
 * root stands in for {@code /proc} and {@code /dev} of a machine with a driver and two GPUs, to check what is read
 * from them; the engine and the CUDA runtime are always this process's own.
 */
class CudaEnvironmentTest {
    private static final String PROC_VERSION = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 "
            + "22:23:56 UTC 2024\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";

    @TempDir
    Path root;

    @Test
    void thisMachineHasTheCpuBuildAndNoGpu() {
        CudaEnvironment env = CudaEnvironment.detect(Map.of(), Path.of("/"));
        assertEquals("", env.engineError());
        assertTrue(env.engine().startsWith("PyTorch 2.7.1"), env.engine());
        assertEquals("cpu", env.libtorchFlavor());
        assertTrue(env.libtorchDir().contains("cpu"), env.libtorchDir());
        assertFalse(env.engineHasCuda());
        assertEquals(0, env.engineGpuCount());

        Availability a = env.availability();
        assertFalse(a.isAvailable());
        String reason = a.reason();
        assertTrue(reason.startsWith("no NVIDIA GPU or driver found"), reason);
        for (String expected : new String[] {"no NVIDIA driver", "0 GPU(s) counted by the CUDA runtime",
                "libtorch 2.7.1 flavor cpu", "CPU only", "accelerator(\"cpu\")", "PYTORCH_LIBRARY_PATH=<libtorch>/lib",
                "PYTORCH_VERSION=2.7.1", "PYTORCH_FLAVOR=cu128", "libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip",
                "not on Maven Central"}) {
            assertTrue(reason.contains(expected), () -> "'" + expected + "' missing from: " + reason);
        }
    }

    @Test
    void aDriverWithGpusButCpuNativesNamesTheDriverAndTheFix() throws Exception {
        Files.createDirectories(root.resolve("proc/driver/nvidia"));
        Files.writeString(root.resolve("proc/driver/nvidia/version"), PROC_VERSION);
        Files.createDirectories(root.resolve("dev"));
        for (String f : new String[] {"nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm"}) {
            Files.createFile(root.resolve("dev").resolve(f));
        }
        CudaEnvironment env = CudaEnvironment.detect(Map.of(), root);
        assertEquals("550.54.15", env.driverVersion());
        assertEquals(2, env.gpuDeviceFiles());
        String reason = env.availability().reason();
        assertTrue(reason.startsWith("the PyTorch natives DJL loaded are a CPU-only build"), reason);
        assertTrue(reason.contains("NVIDIA driver 550.54.15") && reason.contains("2 GPU device file(s)")
                && reason.contains("flavor cpu") && reason.contains("PYTORCH_FLAVOR=cu128"), reason);
    }

    @Test
    void cudaVisibleDevicesThatHidesEveryGpuIsNamed() {
        for (String hidden : new String[] {"", "-1"}) {
            CudaEnvironment env = CudaEnvironment.detect(Map.of("CUDA_VISIBLE_DEVICES", hidden), root);
            assertTrue(env.hidesEveryGpu());
            String reason = env.availability().reason();
            assertTrue(reason.startsWith("CUDA_VISIBLE_DEVICES='" + hidden + "' hides every GPU"), reason);
        }
        CudaEnvironment named = CudaEnvironment.detect(Map.of("CUDA_VISIBLE_DEVICES", "2,3"), root);
        assertFalse(named.hidesEveryGpu());
        assertTrue(named.availability().reason().contains("CUDA_VISIBLE_DEVICES='2,3'"));
        assertEquals("CUDA_VISIBLE_DEVICES='2,3' numbers them from 0", named.visibleNote());
    }

    @Test
    void cudaNativesWhoseRuntimeDjlCannotFindAreExplained() {
        // What detection reports where libtorch has CUDA but JNA finds no libcudart.so (a pip CUDA runtime).
        CudaEnvironment env = new CudaEnvironment("580.65.06", 1, null, 0, "", "PyTorch 2.7.1", "", "cu128",
                "/opt/libtorch/lib", true, 0);
        String reason = env.availability().reason();
        assertTrue(reason.startsWith("the CUDA build of libtorch is loaded but DJL counts no GPU"), reason);
        assertTrue(reason.contains("NVIDIA driver 580.65.06") && reason.contains("flavor cu128 (/opt/libtorch/lib) "
                + "with CUDA, 0 GPU(s) usable") && reason.contains("-Djna.library.path"), reason);
    }

    @Test
    void theFlavorComesFromTheOverrideOrDjlsCacheFolder() {
        assertEquals("cu128", CudaEnvironment.flavor(Map.of("PYTORCH_FLAVOR", "cu128"), "/opt/libtorch/lib", false));
        assertEquals("cu128", CudaEnvironment.flavor(Map.of(),
                "/root/.djl.ai/pytorch/2.7.1-20250812-cu128-linux-x86_64", true));
        assertEquals("cpu", CudaEnvironment.flavor(Map.of(), "/root/.djl.ai/pytorch/2.7.1-cpu-linux-x86_64", false));
        assertEquals("cuda", CudaEnvironment.flavor(Map.of(), "/opt/libtorch/lib", true));
        assertEquals("cpu", CudaEnvironment.flavor(Map.of(), "", false));
    }

    @Test
    void theDriverVersionIsReadFromProc() {
        assertEquals("550.54.15", CudaEnvironment.parseDriverVersion(PROC_VERSION));
        assertEquals("", CudaEnvironment.parseDriverVersion("something else"));
    }
}
