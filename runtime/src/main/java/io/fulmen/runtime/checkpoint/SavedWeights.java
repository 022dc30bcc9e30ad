package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import org.apiguardian.api.API;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Model parameters taken from a checkpoint: tensors named {@code model/<parameter path>}, given to parameters now
 * or, for parameters a module creates lazily from its first batch, when they are created.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class SavedWeights {
    /** The prefix of model parameter tensors in a checkpoint. */
    public static final String MODEL = "model/";

    private SavedWeights() {}

    /**
     * Initialises a lazily created parameter with its saved value. The bytes are held on the Java heap, so the
     * checkpoint's native memory can be freed before the module first runs.
     */
    public static final class SavedValue implements Initializer {
        private final byte[] bytes;
        private final Shape savedShape;
        private final DataType savedType;
        private final String name;
        private final String origin;

        public SavedValue(NDArray saved, String name, String origin) {
            ByteBuffer b = saved.toByteBuffer(true); // the array's own memory where the engine allows: one copy
            this.bytes = new byte[b.remaining()];
            b.get(bytes);
            this.savedShape = saved.getShape();
            this.savedType = saved.getDataType();
            this.name = name;
            this.origin = origin;
        }

        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            if (!shape.equals(savedShape)) {
                throw new IllegalArgumentException(origin + ": parameter '" + name + "' has shape " + savedShape
                        + " in the checkpoint but the module builds " + shape);
            }
            NDArray value = createFrom(bytes, manager, savedShape, savedType);
            if (savedType == dataType) {
                return value;
            }
            NDArray cast = value.toType(dataType, true);
            value.close();
            return cast;
        }
    }

    /**
     * The saved value as a new array: on PyTorch's CPU copied once into a fresh tensor's memory; elsewhere through a
     * direct buffer the engine takes (allocateDirect zero-fills it first, one more pass over the memory).
     */
    private static NDArray createFrom(byte[] bytes, NDManager manager, Shape shape, DataType type) {
        if (bytes.length > 0 && CheckpointReader.isPyTorchCpu(manager)) {
            NDArray array = manager.create(shape, type);
            ByteBuffer view = array.toByteBuffer(true);
            if (view.isDirect() && view.remaining() == bytes.length) {
                view.put(bytes);
                return array;
            }
            array.close();
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        direct.put(bytes).flip();
        return manager.create(direct, shape, type);
    }

    /** Makes each parameter of {@code params} start from its saved value: now if created, else when created. */
    public static void assignOrDefer(ParameterList params, Checkpoint ckpt, String origin) {
        for (Pair<String, Parameter> named : params) {
            NDArray saved = ckpt.tensors().get(MODEL + named.getKey());
            if (saved == null) {
                throw new IllegalArgumentException(origin + " has no value for parameter '" + named.getKey() + "'");
            }
            named.getValue().setInitializer(new SavedValue(saved, named.getKey(), origin));
        }
    }
}
