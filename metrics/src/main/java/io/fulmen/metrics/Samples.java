package io.fulmen.metrics;

import org.apiguardian.api.API;

import java.util.Arrays;
import java.util.List;

/**
 * A growing list of values on the Java heap, concatenated across batches and gathered across processes
 * (torchmetrics' list state with {@code dist_reduce_fx="cat"}). Made by {@link StatefulMetric#addSamples}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Samples {
    private double[] data = new double[64];
    private int size;
    private double[] held;
    private int heldSize;
    private double[] spare = new double[64];

    Samples() {}

    /** The number of values. */
    public int size() {
        return size;
    }

    /** Value {@code i}. */
    public double get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i + " >= " + size);
        }
        return data[i];
    }

    /** Appends one value. */
    public void add(double v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }

    /** Appends {@code values}. */
    public void addAll(double[] values) {
        append(values, values.length);
    }

    void addAll(int[] values) {
        ensureRoom(values.length);
        for (int v : values) {
            data[size++] = v;
        }
    }

    void addCopies(double v, int count) {
        ensureRoom(count);
        Arrays.fill(data, size, size + count, v);
        size += count;
    }

    /** A copy of the values. */
    public double[] toArray() {
        return Arrays.copyOf(data, size);
    }

    void reset() {
        size = 0;
    }

    void replace(List<double[]> parts) {
        size = 0;
        for (double[] part : parts) {
            addAll(part);
        }
    }

    void beginBatch() {
        held = data;
        heldSize = size;
        data = spare;
        size = 0;
    }

    void endBatch(boolean keep) {
        double[] batch = data;
        int batchSize = size;
        data = held;
        size = heldSize;
        held = null;
        if (keep) {
            append(batch, batchSize);
        }
        spare = batch;
    }

    private void append(double[] values, int count) {
        ensureRoom(count);
        System.arraycopy(values, 0, data, size, count);
        size += count;
    }

    private void ensureRoom(int count) {
        if (size + count > data.length) {
            data = Arrays.copyOf(data, Math.max(size + count, data.length * 2));
        }
    }
}
