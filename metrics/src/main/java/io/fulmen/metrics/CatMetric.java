package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

/**
 * Every value since the last reset, in order (torchmetrics' {@code CatMetric}); across processes, rank 0's values
 * first. Its value is an array, so it is not logged; read it with {@link #compute()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class CatMetric extends StatefulMetric {
    private final Samples values = addSamples();

    /** An empty list. */
    public CatMetric() {}

    /** Appends one value. */
    public void update(double value) {
        values.add(value);
    }

    /** Appends every element of {@code batch}, in row-major order. */
    public void update(NDArray batch) {
        values.addAll(HeapArrays.doubles(batch));
    }

    /** Appends every element of {@code batch} and returns them. */
    public double[] forward(NDArray batch) {
        double[] v = HeapArrays.doubles(batch);
        values.addAll(v);
        return v;
    }

    /** The values accumulated since the last reset. */
    public double[] compute() {
        return values.toArray();
    }
}
