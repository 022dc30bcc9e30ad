package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap copy of one batch of classification predictions and targets, shared by the metrics updated with the same
 * two arrays, so that a step updating several metrics reads them from the engine once and finds the predicted
 * classes once. The arrays it hands out are shared: callers read them and never write them.
 *
 * <p>A metric that meets the same two arrays a second time gets a fresh read: an array refilled in place between
 * steps is never served from an earlier step's copy.
 */
final class HostBatch {
    private static final ThreadLocal<HostBatch> LAST = ThreadLocal.withInitial(HostBatch::new);
    private static final AtomicLong READS = new AtomicLong();

    private WeakReference<NDArray> preds = new WeakReference<>(null);
    private WeakReference<NDArray> target = new WeakReference<>(null);
    private long read;
    private double[] scores;
    private int[] predictedIndices;
    private int[] targetValues;
    private int[] argmax;

    private HostBatch() {}

    /** The heap copy of {@code preds} and {@code target} for {@code reader}, read now unless already shared. */
    static HostBatch of(NDArray preds, NDArray target, StatefulMetric reader) {
        HostBatch batch = LAST.get();
        if (batch.preds.get() != preds || batch.target.get() != target || reader.lastHostRead == batch.read) {
            batch.reread(preds, target);
        }
        reader.lastHostRead = batch.read;
        return batch;
    }

    private void reread(NDArray p, NDArray t) {
        preds = new WeakReference<>(p);
        target = new WeakReference<>(t);
        read = READS.incrementAndGet();
        scores = null;
        predictedIndices = null;
        targetValues = null;
        argmax = null;
    }

    NDArray preds() {
        return preds.get();
    }

    NDArray target() {
        return target.get();
    }

    /** The predictions as doubles, row-major. */
    double[] scores() {
        if (scores == null) {
            scores = HeapArrays.doubles(preds());
        }
        return scores;
    }

    /** Integral predictions (class indices or 0/1 decisions) as ints, unchecked. */
    int[] predictedIndices() {
        if (predictedIndices == null) {
            predictedIndices = HeapArrays.ints(preds());
        }
        return predictedIndices;
    }

    /** The targets as ints, unchecked. */
    int[] targetValues() {
        if (targetValues == null) {
            targetValues = HeapArrays.ints(target());
        }
        return targetValues;
    }

    /** The first highest score of each row of {@code width} scores. */
    int[] argmax(int width) {
        if (argmax == null) {
            double[] s = scores();
            argmax = new int[s.length / width];
            for (int r = 0; r < argmax.length; r++) {
                int at = r * width;
                int best = 0;
                for (int k = 1; k < width; k++) {
                    if (s[at + k] > s[at + best]) {
                        best = k;
                    }
                }
                argmax[r] = best;
            }
        }
        return argmax;
    }
}
