package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads small arrays to the heap in their own type where DJL can, so no converted native copy is made, through a
 * view of the array's memory where the engine offers one.
 */
final class HeapArrays {
    private HeapArrays() {}

    static double[] doubles(NDArray a) {
        DataType type = a.getDataType();
        switch (type) {
            case FLOAT64:
                return a.toDoubleArray();
            case FLOAT32: {
                float[] f = new float[size(a)];
                view(a).asFloatBuffer().get(f);
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                return d;
            }
            case INT64: {
                long[] l = longs(a);
                double[] d = new double[l.length];
                for (int i = 0; i < l.length; i++) {
                    d[i] = l[i];
                }
                return d;
            }
            default:
                try (NDArray converted = a.toType(DataType.FLOAT64, true)) {
                    return converted.toDoubleArray();
                }
        }
    }

    static int[] ints(NDArray a) {
        DataType type = a.getDataType();
        switch (type) {
            case INT32:
                return a.toIntArray();
            case INT64: {
                long[] l = longs(a);
                int[] r = new int[l.length];
                for (int i = 0; i < l.length; i++) {
                    r[i] = Math.toIntExact(l[i]);
                }
                return r;
            }
            default: {
                double[] d = doubles(a);
                int[] r = new int[d.length];
                for (int i = 0; i < d.length; i++) {
                    r[i] = (int) d[i];
                    if (r[i] != d[i]) {
                        throw new IllegalArgumentException("targets must be whole numbers, got " + d[i]);
                    }
                }
                return r;
            }
        }
    }

    private static long[] longs(NDArray a) {
        long[] l = new long[size(a)];
        view(a).asLongBuffer().get(l);
        return l;
    }

    /** The array's memory itself where the engine allows (a CPU tensor), else a copy: one native call fewer. */
    private static ByteBuffer view(NDArray a) {
        return a.toByteBuffer(true).order(ByteOrder.nativeOrder());
    }

    private static int size(NDArray a) {
        return Math.toIntExact(a.size());
    }

    static boolean isIntegral(NDArray a) {
        DataType t = a.getDataType();
        return t.isInteger() || t == DataType.BOOLEAN;
    }
}
