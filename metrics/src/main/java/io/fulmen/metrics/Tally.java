package io.fulmen.metrics;

import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

import java.util.Arrays;

/**
 * A fixed-size vector state on the Java heap (counters, sums, extremes), reduced element-wise across batches and
 * processes with a {@link ReduceOp} of {@code SUM}, {@code MAX} or {@code MIN} (torchmetrics' {@code add_state} with
 * {@code dist_reduce_fx}). Made by {@link StatefulMetric#addTally}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Tally {
    private final ReduceOp op;
    private final double identity;
    private double[] values;
    private double[] held;
    private double[] spare;

    Tally(int size, ReduceOp op) {
        if (op != ReduceOp.SUM && op != ReduceOp.MAX && op != ReduceOp.MIN) {
            throw new IllegalArgumentException("a Tally reduces by SUM, MAX or MIN, not " + op);
        }
        this.op = op;
        this.identity = op == ReduceOp.SUM ? 0 : op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY
                : Double.POSITIVE_INFINITY;
        this.values = new double[size];
        this.spare = new double[size];
        Arrays.fill(values, identity);
    }

    /** The number of elements. */
    public int size() {
        return values.length;
    }

    /** Element {@code i}. */
    public double get(int i) {
        return values[i];
    }

    /** Adds {@code v} to element {@code i} (SUM), or keeps the larger (MAX) or smaller (MIN) of the two. */
    public void accumulate(int i, double v) {
        values[i] = combine(values[i], v);
    }

    /** Element {@code i} plus one: a counter. */
    public void increment(int i) {
        values[i] += 1;
    }

    /** A copy of the elements. */
    public double[] toArray() {
        return values.clone();
    }

    ReduceOp op() {
        return op;
    }

    void replace(double[] reduced, int from) {
        System.arraycopy(reduced, from, values, 0, values.length);
    }

    void reset() {
        Arrays.fill(values, identity);
    }

    /** Puts the accumulated elements aside; updates go to an empty tally until {@link #endBatch}. */
    void beginBatch() {
        held = values;
        values = spare;
        Arrays.fill(values, identity);
    }

    /** Brings the accumulated elements back, merged with the batch's when {@code keep}. */
    void endBatch(boolean keep) {
        double[] batch = values;
        values = held;
        held = null;
        if (keep) {
            for (int i = 0; i < values.length; i++) {
                values[i] = combine(values[i], batch[i]);
            }
        }
        spare = batch;
    }

    private double combine(double a, double b) {
        return switch (op) {
            case SUM -> a + b;
            case MAX -> Math.max(a, b);
            default -> Math.min(a, b);
        };
    }
}
