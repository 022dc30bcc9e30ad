package io.fulmen.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.tensorflow.engine.TfNDArray;
import ai.djl.tensorflow.engine.TfNDManager;
import ai.djl.tensorflow.engine.javacpp.JavacppUtils;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.internal.c_api.TFE_Op;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * y = x W^T + b on 2-D float arrays as one TensorFlow operation, with the bias fused in ({@code fused_ops =
 * [BiasAdd]}, or {@code [BiasAdd, Relu]} when a ReLU follows), the kernel TensorFlow's own graph optimizer puts in
 * place of MatMul + BiasAdd: oneDNN's {@code _MklNativeFusedMatMul} (TensorFlow's oneDNN rewrite runs MatMul with
 * oneDNN too), else Eigen's {@code _FusedMatMul} on small layers only. DJL's arrays offer no fused operations, so this
 * builds the operation with TensorFlow's C API on DJL's eager context and wraps the result as DJL would: one operation
 * per layer and batch instead of DJL's matMul + add (+ relu), with the same results up to float rounding (5e-7 at
 * most on the Fashion-MNIST MLP).
 *
 * <p>oneDNN's kernel reads W as stored ({@code transpose_b}: no transpose operation, measured as fast as or faster
 * than a product with W^T); Eigen's is given W^T (its {@code transpose_b} measured ~15% slower). Other shapes and
 * types return null: the caller then runs DJL's operations, as it does when TensorFlow turns the operation down. A
 * kernel turned down for itself rather than for its arrays (none for the device) is not asked again.
 */
final class LinearOp {
    private static final String ONEDNN = "_MklNativeFusedMatMul";
    private static final String EIGEN = "_FusedMatMul";
    /** The label TensorFlow's oneDNN rewrite gives the oneDNN kernels it puts in place of the standard ones. */
    private static final String ONEDNN_LABEL = "MklNameChangeOp";
    private static final byte[] BIAS_ADD = "BiasAdd".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RELU = "Relu".getBytes(StandardCharsets.US_ASCII);
    private static final Constructor<TfNDArray> WRAP = wrapper();
    /**
     * The largest weight Eigen's kernel fuses: on a 784x128 weight at batch 256 it measured ~15% slower than oneDNN's
     * MatMul + Add, while on small layers (128x10) the saved operation wins.
     */
    static final long MAX_EIGEN_WEIGHTS = 16_384;

    private volatile boolean oneDnnWorks = WRAP != null;
    private volatile boolean eigenWorks = WRAP != null;

    /**
     * relu?(x W^T + b) as one operation, or null when it cannot run so (the caller then uses DJL's operations). x must
     * be 2-D: the caller checks, this does not ask again. oneDNN's kernel reads W as it is (transpose_b); Eigen's
     * takes W^T from {@code transposedWeight}, asked only then.
     */
    NDArray apply(NDArray x, NDArray weight, NDArray bias, boolean relu, Supplier<NDArray> transposedWeight) {
        if (!(oneDnnWorks || eigenWorks) || !(x instanceof TfNDArray tx) || !(weight instanceof TfNDArray tw)
                || !(bias instanceof TfNDArray tb) || tw.getShape().dimension() != 2 || tb.getShape().dimension() != 1
                || x.getDataType() != DataType.FLOAT32 || tw.getDataType() != DataType.FLOAT32
                || tb.getDataType() != DataType.FLOAT32) {
            return null;
        }
        TfNDManager manager = tx.getManager();
        TFE_TensorHandle result = null;
        if (oneDnnWorks) {
            try {
                result = execute(manager, tx, tw, true, tb, relu, ONEDNN);
            } catch (RuntimeException refused) {
                oneDnnWorks = aboutTheArrays(refused); // else a TensorFlow build without oneDNN's kernels
            }
        }
        if (result == null && eigenWorks && tw.getShape().size() <= MAX_EIGEN_WEIGHTS) {
            try {
                result = execute(manager, tx, (TfNDArray) transposedWeight.get(), false, tb, relu, EIGEN);
            } catch (RuntimeException refused) {
                eigenWorks = aboutTheArrays(refused); // else e.g. no kernel on this device
            }
        }
        if (result == null) {
            return null;
        }
        try {
            return WRAP.newInstance(manager, result);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            result.close();
            throw new IllegalStateException("cannot wrap a TensorFlow result as DJL's TfNDArray: " + e, e);
        }
    }

    /**
     * Whether TensorFlow turned the operation down for these arrays (invalid arguments: the kernel stays in use, and
     * DJL's operations, run instead, report the problem) rather than for the kernel itself.
     */
    private static boolean aboutTheArrays(RuntimeException refused) {
        return refused instanceof TFInvalidArgumentException;
    }

    /** Which kernel {@link #apply} uses now: for tests and reports. */
    String kernel() {
        return oneDnnWorks ? ONEDNN : eigenWorks ? EIGEN : "none";
    }

    @SuppressWarnings("try")
    private static TFE_TensorHandle execute(TfNDManager manager, TfNDArray x, TfNDArray weight, boolean transposeB,
                                            TfNDArray bias, boolean relu, String kernel) {
        try (PointerScope ignored = new PointerScope()) {
            TF_Status status = TF_Status.newStatus();
            TFE_Op op = TFE_Op.newOp(manager.getEagerSession(), kernel, status);
            status.throwExceptionIfNotOK();
            tensorflow.TFE_OpSetDevice(op, JavacppUtils.toTfDevice(manager.getDevice()), status);
            status.throwExceptionIfNotOK();
            tensorflow.TFE_OpAddInput(op, x.getHandle(), status);
            status.throwExceptionIfNotOK();
            tensorflow.TFE_OpAddInput(op, weight.getHandle(), status);
            status.throwExceptionIfNotOK();
            // (PointerPointer's one-pointer constructor is a cast, not a list: put the element)
            tensorflow.TFE_OpAddInputList(op, new PointerPointer<TFE_TensorHandle>(1).put(0, bias.getHandle()), 1,
                    status);
            status.throwExceptionIfNotOK();
            // the overload taking a PointerPointer: the one taking a plain Pointer passes it by pointer-to-pointer
            tensorflow.TFE_OpSetAttrBool(op, "transpose_b", (byte) (transposeB ? 1 : 0));
            int fusedOps = relu ? 2 : 1;
            PointerPointer<BytePointer> names = new PointerPointer<BytePointer>(fusedOps);
            names.put(0, new BytePointer(BIAS_ADD));
            SizeTPointer lengths = new SizeTPointer(fusedOps).put(0, BIAS_ADD.length);
            if (relu) {
                names.put(1, new BytePointer(RELU));
                lengths.put(1, RELU.length);
            }
            tensorflow.TFE_OpSetAttrStringList(op, new BytePointer("fused_ops"), names, lengths, fusedOps);
            if (kernel.equals(ONEDNN)) {
                byte[] label = ONEDNN_LABEL.getBytes(StandardCharsets.US_ASCII);
                tensorflow.TFE_OpSetAttrString(op, "_kernel", new BytePointer(label), label.length);
            }
            PointerPointer<TFE_TensorHandle> outputs = new PointerPointer<>(1);
            IntPointer count = new IntPointer(1).put(1);
            tensorflow.TFE_Execute(op, outputs, count, status);
            status.throwExceptionIfNotOK();
            return outputs.get(TFE_TensorHandle.class, 0).withDeallocator().retainReference();
        }
    }

    /** DJL's package-private TfNDArray(TfNDManager, TFE_TensorHandle), which registers the array with its manager. */
    private static Constructor<TfNDArray> wrapper() {
        try {
            Constructor<TfNDArray> c = TfNDArray.class.getDeclaredConstructor(TfNDManager.class,
                    TFE_TensorHandle.class);
            c.setAccessible(true);
            return c;
        } catch (NoSuchMethodException | RuntimeException notThisDjl) {
            return null; // another DJL version: DJL's own operations
        }
    }
}
