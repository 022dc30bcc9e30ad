package io.fulmen.runtime.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.fulmen.optim.OptimizerKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fused optimizer kernels for float32 tensors on libtorch's CPU ({@code src/main/native/fulmen_kernels.cpp}, built
 * into {@code native/linux-x86_64/libfulmen_kernels.so} where g++ is installed): one call per parameter group,
 * one pass over memory per tensor. DJL's per-tensor Adam clones the gradient and makes about a dozen passes with
 * five temporaries per tensor; this does torch's formula in one, with the gradient zeroed in the same pass.
 *
 * <p>The library reaches tensors through DJL's own JNI functions in {@code libdjl_torch.so}, so it needs neither
 * libtorch's headers nor its C++ ABI; when the library or those functions are missing, {@link #available()} is empty
 * and optimizers use DJL's kernels.
 */
final class FusedKernels implements OptimizerKernels {
    private static final Logger LOG = LoggerFactory.getLogger(FusedKernels.class);
    static final String RESOURCE = "/native/linux-x86_64/libfulmen_kernels.so";

    private FusedKernels() {}

    /** The kernels, loaded at most once per class loader; empty when this build or machine has none. */
    static Optional<OptimizerKernels> available() {
        return Loaded.KERNELS;
    }

    private static final class Loaded {
        static final Optional<OptimizerKernels> KERNELS = load(FusedKernels.class.getResource(RESOURCE));
    }

    private static Optional<OptimizerKernels> load(URL library) {
        String platform = (System.getProperty("os.name") + "/" + System.getProperty("os.arch")).toLowerCase(Locale.ROOT);
        if (library == null || !(platform.equals("linux/amd64") || platform.equals("linux/x86_64"))) {
            LOG.debug("no fused optimizer kernels in this build for {}: optimizers use DJL's per-tensor kernels",
                    platform);
            return Optional.empty();
        }
        Optional<Path> djl = djlLibrary();
        if (djl.isEmpty()) {
            LOG.debug("libdjl_torch is not mapped in this process: optimizers use DJL's per-tensor kernels");
            return Optional.empty();
        }
        Path file = null;
        try (InputStream in = library.openStream()) {
            file = Files.createTempFile("fulmen_kernels-", ".so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
            String failure = init(djl.get().toString());
            if (failure != null) {
                LOG.info("fused optimizer kernels off ({}): optimizers use DJL's per-tensor kernels", failure);
                return Optional.empty();
            }
            return Optional.of(new FusedKernels());
        } catch (IOException | UnsatisfiedLinkError e) {
            LOG.info("fused optimizer kernels off ({}): optimizers use DJL's per-tensor kernels", e.toString());
            return Optional.empty();
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file); // the mapping outlives the file
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        }
    }

    /** DJL's JNI library as this process mapped it (DJL extracts it to a versioned cache folder). */
    private static Optional<Path> djlLibrary() {
        JniUtils.getNumThreads(); // makes sure DJL has loaded it
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.endsWith("libdjl_torch.so"))
                    .findFirst().map(Path::of);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean adam(AdamStep step) {
        int n = step.weights().size();
        long[] weights = handles(step.weights());
        long[] means = handles(step.means());
        long[] variances = handles(step.variances());
        if (weights == null || means == null || variances == null) {
            return false;
        }
        int failed = adam(weights, means, variances, step.stepSizes(), step.biasCorrection2Sqrt(), step.beta1(),
                step.beta2(), step.eps(), step.weightDecay(), step.lr(), step.decoupled(), JniUtils.getNumThreads());
        if (failed >= 0 && LOG.isDebugEnabled()) {
            LOG.debug("fused Adam declined tensor {} of {} ({}): updating one at a time", failed, n,
                    step.weights().get(failed).getShape());
        }
        return failed < 0;
    }

    @Override
    public boolean sgd(SgdStep step) {
        long[] weights = handles(step.weights());
        long[] buffers = step.buffers() == null ? null : handles(step.buffers());
        if (weights == null || (step.buffers() != null && buffers == null)) {
            return false;
        }
        return sgd(weights, buffers, step.firstStep(), step.lr(), step.momentum(), step.dampening(),
                step.weightDecay(), step.nesterov(), JniUtils.getNumThreads()) < 0;
    }

    /** The libtorch handles of float32 CPU tensors, or null when any is something else. */
    private static long[] handles(List<NDArray> arrays) {
        long[] handles = new long[arrays.size()];
        for (int i = 0; i < handles.length; i++) {
            NDArray a = arrays.get(i);
            if (!(a instanceof PtNDArray pt) || a.getDataType() != DataType.FLOAT32 || !Device.Type.CPU.equals(a.getDevice().getDeviceType())) {
                return null;
            }
            handles[i] = pt.getHandle();
        }
        return handles;
    }

    private static native String init(String djlLibrary);

    /** Returns -1 when every tensor was updated, else the first it cannot update (nothing changed then). */
    private static native int adam(long[] weights, long[] means, long[] variances, float[] stepSizes,
            float[] biasCorrection2Sqrt, float beta1, float beta2, float eps, float weightDecay, float lr,
            boolean decoupled, int threads);

    /** SGD's counterpart of {@link #adam}; {@code buffers} and {@code first} are null without momentum. */
    private static native int sgd(long[] weights, long[] buffers, boolean[] first, float lr, float momentum,
            float dampening, float weightDecay, boolean nesterov, int threads);
}
