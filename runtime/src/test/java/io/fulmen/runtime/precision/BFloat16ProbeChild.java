package io.fulmen.runtime.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Run in a child JVM: casts to float16 (works), then to bfloat16 (aborts the JVM on DJL 0.35.1 and 0.36.0). */
public final class BFloat16ProbeChild {
    private BFloat16ProbeChild() {}

    public static void main(String[] args) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray ones = manager.ones(new Shape(2, 2));
            try (NDArray half = ones.toType(DataType.FLOAT16, false); NDArray product = half.matMul(half)) {
                System.out.println("float16 " + product.getDataType());
            }
            System.out.flush();
            NDArray bf16 = "zeros".equals(args[0]) ? manager.zeros(new Shape(2), DataType.BFLOAT16)
                    : ones.toType(DataType.BFLOAT16, false);
            System.out.println("bfloat16 " + bf16.getDataType());
        }
    }
}
