package io.fulmen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.apiguardian.api.API;

/** Common evaluation metrics as functions of NDArrays. */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class Metrics {
    private Metrics() {}

    /** Fraction of rows whose arg-max over the last axis equals the class index. */
    public static NDArray accuracy(NDArray logits, NDArray classIndices) {
        NDArray predicted = logits.argMax(logits.getShape().dimension() - 1);
        return predicted.eq(classIndices.toType(predicted.getDataType(), false)).toType(DataType.FLOAT32, false).mean();
    }
}
