package io.fulmen.runtime.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Casts that autograd follows. DJL's {@code toType} runs under libtorch's {@code NoGradGuard}, so its result is cut
 * from the graph; assigning into a slice of a new array of the target type ({@code index_put_} with slices, i.e.
 * {@code copy_}) is recorded, and backward hands the source its gradient in the source's own type.
 */
final class Casts {
    private static final NDIndex ALL = new NDIndex(":");

    private Casts() {}

    /** {@code array} as {@code type}, on {@code manager}, differentiable; {@code array} itself when it has the type. */
    static NDArray to(NDArray array, DataType type, NDManager manager) {
        if (array.getDataType() == type) {
            return array;
        }
        Shape shape = array.getShape();
        if (shape.dimension() == 0) {
            try (NDArray flat = array.reshape(1)) {
                NDArray cast = to(flat, type, manager);
                NDArray scalar = cast.reshape(shape);
                cast.close();
                return scalar;
            }
        }
        NDArray out = manager.zeros(shape, type, array.getDevice());
        out.set(ALL, array);
        return out;
    }

    /** Every floating-point array of {@code arrays} other than {@code type} cast to it; other arrays kept. */
    static NDList floatingTo(NDList arrays, DataType type) {
        boolean any = false;
        for (NDArray a : arrays) {
            if (isOtherFloat(a, type)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return arrays;
        }
        NDList out = new NDList(arrays.size());
        for (NDArray a : arrays) {
            out.add(isOtherFloat(a, type) ? to(a, type, a.getManager()) : a);
        }
        return out;
    }

    private static boolean isOtherFloat(NDArray a, DataType type) {
        DataType t = a.getDataType();
        return t != type && t.isFloating() && t != DataType.COMPLEX64;
    }
}
