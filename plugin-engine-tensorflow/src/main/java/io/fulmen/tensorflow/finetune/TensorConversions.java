package io.fulmen.tensorflow.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Copies between DJL arrays (of any engine: the Trainer's batches and parameters live on PyTorch) and TensorFlow
 * Java tensors, through Java arrays. Float32, int32 and int64 are the types a fine-tuned graph is fed.
 */
final class TensorConversions {
    private TensorConversions() {}

    /** A new tensor of TensorFlow type {@code type} holding {@code array}'s values; the caller closes it. */
    static Tensor toTensor(NDArray array, org.tensorflow.proto.DataType type, String feeding) {
        Shape shape = Shape.of(array.getShape().getShape());
        return switch (type) {
            case DT_FLOAT -> TFloat32.tensorOf(shape, DataBuffers.of(floats(array), true, false));
            case DT_INT64 -> TInt64.tensorOf(shape, DataBuffers.of(array.toType(DataType.INT64, false)
                    .toLongArray(), true, false));
            case DT_INT32 -> TInt32.tensorOf(shape, DataBuffers.of(array.toType(DataType.INT32, false)
                    .toIntArray(), true, false));
            default -> throw new IllegalArgumentException(feeding + " takes " + type + "; fine-tuning feeds float32, "
                    + "int32 and int64 tensors only");
        };
    }

    private static float[] floats(NDArray array) {
        return array.getDataType() == DataType.FLOAT32 ? array.toFloatArray()
                : array.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** A float32 array on {@code manager} holding {@code tensor}'s values (float32 tensors only). */
    static NDArray toArray(Tensor tensor, NDManager manager, String what) {
        if (!(tensor instanceof TFloat32 floats)) {
            throw new IllegalArgumentException(what + " is " + tensor.dataType() + "; fine-tuning reads float32 "
                    + "outputs, losses and variables only");
        }
        float[] values = new float[(int) floats.size()];
        floats.copyTo(DataBuffers.of(values, false, false));
        return manager.create(values, new ai.djl.ndarray.types.Shape(tensor.shape().asArray()));
    }
}
