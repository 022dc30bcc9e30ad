package io.fulmen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Common evaluation metrics as functions of NDArrays. */
public final class Metrics {
    private Metrics() {}

    /** Fraction of rows whose arg-max over the last axis equals the class index. */
    public static NDArray accuracy(NDArray logits, NDArray classIndices) {
        NDArray predicted = logits.argMax(logits.getShape().dimension() - 1);
        return predicted.eq(classIndices.toType(predicted.getDataType(), false)).toType(DataType.FLOAT32, false).mean();
    }
}
