package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Predictions and targets of a classification metric read to the heap, with torchmetrics' input rules: scores
 * outside [0, 1] are logits (sigmoid for binary and multilabel, softmax over a row for multiclass), a score above
 * the threshold is positive, and the predicted class is the first highest score of a row.
 */
final class ClassificationInputs {
    private ClassificationInputs() {}

    /** Class indices or 0/1 targets of a batch, checked to lie in [0, {@code classes}). */
    static int[] targets(NDArray target, int classes) {
        int[] t = HeapArrays.ints(target);
        for (int v : t) {
            if (v < 0 || v >= classes) {
                throw new IllegalArgumentException("a target of " + v + " is outside [0, " + classes + ")");
            }
        }
        return t;
    }

    /** 0/1 decisions of binary or multilabel predictions, one per element. */
    static int[] decisions(NDArray preds, double threshold, int expectedLength) {
        int[] decided;
        if (HeapArrays.isIntegral(preds)) {
            decided = targets(preds, 2);
        } else {
            double[] p = probabilities(HeapArrays.doubles(preds));
            decided = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                decided[i] = p[i] > threshold ? 1 : 0;
            }
        }
        checkLength(decided.length, expectedLength, preds);
        return decided;
    }

    /** Predicted class indices of multiclass predictions: scores {@code [N, C]} or indices {@code [N]}. */
    static int[] classes(NDArray preds, int numClasses, int samples) {
        if (HeapArrays.isIntegral(preds)) {
            int[] c = targets(preds, numClasses);
            checkLength(c.length, samples, preds);
            return c;
        }
        double[] scores = rowScores(preds, numClasses, samples);
        int[] c = new int[samples];
        for (int r = 0; r < samples; r++) {
            int best = 0;
            int at = r * numClasses;
            for (int k = 1; k < numClasses; k++) {
                if (scores[at + k] > scores[at + best]) {
                    best = k;
                }
            }
            c[r] = best;
        }
        return c;
    }

    /** Multiclass scores {@code [N, C]}, row-major on the heap. */
    static double[] rowScores(NDArray preds, int numClasses, int samples) {
        if (preds.getShape().dimension() != 2 || preds.getShape().get(1) != numClasses
                || preds.getShape().get(0) != samples) {
            throw new IllegalArgumentException("multiclass scores must have shape [" + samples + ", " + numClasses
                    + "], got " + preds.getShape());
        }
        return HeapArrays.doubles(preds);
    }

    /** Row-wise softmax in place when any score lies outside [0, 1], else the scores as they are. */
    static double[] softmaxIfLogits(double[] scores, int width) {
        if (within01(scores)) {
            return scores;
        }
        for (int at = 0; at < scores.length; at += width) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = at; k < at + width; k++) {
                max = Math.max(max, scores[k]);
            }
            double sum = 0;
            for (int k = at; k < at + width; k++) {
                scores[k] = Math.exp(scores[k] - max);
                sum += scores[k];
            }
            for (int k = at; k < at + width; k++) {
                scores[k] /= sum;
            }
        }
        return scores;
    }

    /** Sigmoid in place when any score lies outside [0, 1]. */
    static double[] probabilities(double[] scores) {
        if (!within01(scores)) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = 1 / (1 + Math.exp(-scores[i]));
            }
        }
        return scores;
    }

    private static boolean within01(double[] scores) {
        for (double s : scores) {
            if (s < 0 || s > 1) {
                return false;
            }
        }
        return true;
    }

    static void checkLength(int got, int expected, NDArray preds) {
        if (got != expected) {
            throw new IllegalArgumentException("predictions of shape " + preds.getShape() + " hold " + got
                    + " values where the targets call for " + expected);
        }
    }
}
