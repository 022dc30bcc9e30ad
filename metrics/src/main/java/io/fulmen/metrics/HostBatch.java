package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;

/**
 * The heap copy of one batch of classification predictions and targets, read from the engine lazily and at most once,
 * and the predicted classes found once: a {@link MetricCollection} hands one to each of its metrics. The arrays it
 * hands out are shared: callers read them and never write them.
 */
final class HostBatch {
    private final NDArray preds;
    private final NDArray target;
    private double[] scores;
    private int[] predictedIndices;
    private int[] targetValues;
    private int[] argmax;

    HostBatch(NDArray preds, NDArray target) {
        this.preds = preds;
        this.target = target;
    }

    NDArray preds() {
        return preds;
    }

    NDArray target() {
        return target;
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
