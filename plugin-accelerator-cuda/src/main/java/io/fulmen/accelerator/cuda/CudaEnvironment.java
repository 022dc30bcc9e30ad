package io.fulmen.accelerator.cuda;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.util.cuda.CudaUtils;
import io.fulmen.spi.Availability;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this machine offers for CUDA training, as found: the NVIDIA kernel driver, the GPUs, the CUDA runtime DJL can
 * reach, and the PyTorch natives (libtorch) DJL loaded, with their flavor ({@code cpu}, {@code cu128}).
 *
 * @param driverVersion      the NVIDIA kernel driver's version ({@code /proc/driver/nvidia/version}); empty if none
 * @param gpuDeviceFiles     the GPU device files {@code /dev/nvidia<N>}: the GPUs the driver exposes
 * @param cudaVisibleDevices the {@code CUDA_VISIBLE_DEVICES} variable; null when unset
 * @param runtimeGpuCount    the GPUs the CUDA runtime ({@code libcudart}, through DJL's {@code CudaUtils}) counts
 *                           after {@code CUDA_VISIBLE_DEVICES}; 0 when the runtime cannot be loaded
 * @param cudaRuntimeVersion the CUDA runtime's version ({@code "12.8"}); empty when unknown
 * @param engine             the engine and version ({@code "PyTorch 2.7.1"}); empty when it did not load
 * @param engineError        why the engine did not load; empty when it did
 * @param libtorchFlavor     the libtorch build DJL loaded: {@code cpu}, {@code cu128}…; empty when unknown
 * @param libtorchDir        where that libtorch is; empty when unknown
 * @param engineHasCuda      whether the loaded natives were built with CUDA (the engine's CUDA capability)
 * @param engineGpuCount     the GPUs the engine can train on (0 without CUDA natives)
 */
record CudaEnvironment(String driverVersion, int gpuDeviceFiles, String cudaVisibleDevices, int runtimeGpuCount,
                       String cudaRuntimeVersion, String engine, String engineError, String libtorchFlavor,
                       String libtorchDir, boolean engineHasCuda, int engineGpuCount) {
    private static final Pattern DRIVER = Pattern.compile("Kernel Module\\s+([0-9][0-9.]*)");
    private static final Pattern GPU_FILE = Pattern.compile("nvidia[0-9]+");
    private static final Pattern LIBRARY_LINE = Pattern.compile("PyTorch Library: (.+)");
    /** DJL's cache folder for natives it extracted or downloaded: {@code <version>[-<build>]-<flavor>-<os>-<arch>}. */
    private static final Pattern CACHE_DIR = Pattern.compile("\\d+\\.\\d+\\.\\d+(?:-\\d+)?-(.+)-(?:linux|osx|win)-.+");

    /** Detects what this process sees, with its environment variables. */
    static CudaEnvironment detect() {
        return detect(System.getenv(), Path.of("/"));
    }

    /**
     * Detects with {@code env} as the environment variables ({@code CUDA_VISIBLE_DEVICES}, {@code PYTORCH_FLAVOR})
     * and {@code root} as the file system root for {@code /proc} and {@code /dev}. The CUDA runtime and the engine
     * are this process's own.
     */
    static CudaEnvironment detect(Map<String, String> env, Path root) {
        String driver = readDriverVersion(root.resolve("proc/driver/nvidia/version"));
        int files = countGpuDeviceFiles(root.resolve("dev"));
        String visible = env.get("CUDA_VISIBLE_DEVICES");
        // Without a driver or a GPU device file the CUDA runtime can only fail (and DJL logs a warning each time).
        int runtimeCount = driver.isEmpty() && files == 0 ? 0 : askRuntimeGpuCount();
        String runtimeVersion = runtimeCount > 0 ? askCudaRuntimeVersion() : "";
        Engine engine;
        try {
            engine = Engine.hasEngine("PyTorch") ? Engine.getEngine("PyTorch") : Engine.getInstance();
        } catch (RuntimeException | LinkageError e) {
            return new CudaEnvironment(driver, files, visible, runtimeCount, runtimeVersion, "", String.valueOf(e),
                    env.getOrDefault("PYTORCH_FLAVOR", ""), "", false, 0);
        }
        boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
        String dir = libtorchDir(engine.toString());
        return new CudaEnvironment(driver, files, visible, runtimeCount, runtimeVersion,
                engine.getEngineName() + " " + engine.getVersion(), "", flavor(env, dir, cuda), dir, cuda,
                cuda ? engine.getGpuCount() : 0);
    }

    /** Whether the {@code cuda} accelerator can train here, and when not, what was found and how to fix it. */
    Availability availability() {
        if (!engineError.isEmpty()) {
            return Availability.unavailable("the PyTorch engine did not load (" + engineError + "). " + found() + ". "
                    + CudaNatives.FIX);
        }
        if (hidesEveryGpu()) {
            return Availability.unavailable("CUDA_VISIBLE_DEVICES='" + cudaVisibleDevices + "' hides every GPU. "
                    + found() + ". Unset it or name GPUs in it (CUDA_VISIBLE_DEVICES=0,1)");
        }
        if (driverVersion.isEmpty() && gpuDeviceFiles == 0 && runtimeGpuCount == 0 && engineGpuCount == 0) {
            return Availability.unavailable("no NVIDIA GPU or driver found. " + found() + ". Use accelerator(\"cpu\") "
                    + "or \"auto\" on this machine; on an NVIDIA machine " + lowerFirst(CudaNatives.FIX));
        }
        if (!engineHasCuda) {
            return Availability.unavailable("the PyTorch natives DJL loaded are a CPU-only build. " + found() + ". "
                    + CudaNatives.FIX);
        }
        if (engineGpuCount == 0) {
            return Availability.unavailable("the CUDA build of libtorch is loaded but DJL counts no GPU. " + found()
                    + ". DJL counts GPUs with libcudart.so, loaded by JNA under that unversioned name: put the folder "
                    + "holding libcudart.so on LD_LIBRARY_PATH or -Djna.library.path (a pip CUDA runtime has only "
                    + "libcudart.so.<major>: link libcudart.so to it), and check with nvidia-smi that the driver "
                    + "supports this CUDA version");
        }
        return Availability.available();
    }

    /** Whether {@code CUDA_VISIBLE_DEVICES} is set to hide every GPU (empty, or starting with -1 as CUDA reads it). */
    boolean hidesEveryGpu() {
        return cudaVisibleDevices != null && (cudaVisibleDevices.isBlank() || cudaVisibleDevices.trim().startsWith("-"));
    }

    /** "found: NVIDIA driver 550.54.15, 8 GPU device file(s), ..." for messages. */
    String found() {
        List<String> parts = new ArrayList<>();
        parts.add(driverVersion.isEmpty() ? "no NVIDIA driver (/proc/driver/nvidia/version is missing)"
                : "NVIDIA driver " + driverVersion);
        parts.add(gpuDeviceFiles + " GPU device file(s) (/dev/nvidia<N>)");
        parts.add(runtimeGpuCount + " GPU(s) counted by the CUDA runtime"
                + (runtimeGpuCount > 0 ? " " + cudaRuntimeVersion : " (libcudart not loadable or no device)"));
        if (cudaVisibleDevices != null) {
            parts.add("CUDA_VISIBLE_DEVICES='" + cudaVisibleDevices + "'");
        }
        if (engineError.isEmpty()) {
            parts.add("libtorch " + engine.replace("PyTorch ", "") + " flavor "
                    + (libtorchFlavor.isEmpty() ? "unknown" : libtorchFlavor)
                    + (libtorchDir.isEmpty() ? "" : " (" + libtorchDir + ")")
                    + (engineHasCuda ? " with CUDA, " + engineGpuCount + " GPU(s) usable" : ", CPU only"));
        }
        return "Found: " + String.join(", ", parts);
    }

    /** What {@code CUDA_VISIBLE_DEVICES} makes of GPU indices, for device errors; empty when unset. */
    String visibleNote() {
        return cudaVisibleDevices == null ? "" : "CUDA_VISIBLE_DEVICES='" + cudaVisibleDevices + "' numbers them from 0";
    }

    /** The version in {@code /proc/driver/nvidia/version}'s "NVRM version: ... Kernel Module  550.54.15 ..." line. */
    static String parseDriverVersion(String procText) {
        Matcher m = DRIVER.matcher(procText);
        return m.find() ? m.group(1) : "";
    }

    /** The flavor from {@code PYTORCH_FLAVOR}, else DJL's cache folder name, else what the capability says. */
    static String flavor(Map<String, String> env, String libtorchDir, boolean cuda) {
        String override = env.get("PYTORCH_FLAVOR");
        if (override != null && !override.isBlank()) {
            return override.trim();
        }
        if (!libtorchDir.isEmpty()) {
            Matcher m = CACHE_DIR.matcher(Path.of(libtorchDir).getFileName().toString());
            if (m.matches()) {
                return m.group(1);
            }
        }
        return cuda ? "cuda" : "cpu";
    }

    private static String libtorchDir(String engineDescription) {
        Matcher m = LIBRARY_LINE.matcher(engineDescription);
        return m.find() ? m.group(1).trim() : "";
    }

    private static String readDriverVersion(Path procFile) {
        try {
            return Files.isReadable(procFile) ? parseDriverVersion(Files.readString(procFile)) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static int countGpuDeviceFiles(Path dev) {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dev, "nvidia*")) {
            for (Path f : files) {
                if (GPU_FILE.matcher(f.getFileName().toString()).matches()) {
                    n++;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return n;
    }

    private static int askRuntimeGpuCount() {
        try {
            return CudaUtils.getGpuCount();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    private static String askCudaRuntimeVersion() {
        try {
            int v = CudaUtils.getCudaVersion();
            return v / 1000 + "." + (v % 1000) / 10;
        } catch (RuntimeException | LinkageError e) {
            return "";
        }
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
