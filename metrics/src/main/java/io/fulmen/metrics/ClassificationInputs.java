package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Predictions and targets of a classification metric read to the heap, with torchmetrics' input rules: scores
 * outside [0, 1] are logits (sigmoid for binary and multilabel, softmax over a row for multiclass), a score above
 * the threshold is positive, and the predicted class is the first highest score of a row.
 */
final class ClassificationInputs {
    private ClassificationInputs() {}

    /** Class indices or 0/1 targets of a batch, checked to lie in [0, {@code classes}); shared, read only. */
    static int[] targets(HostBatch batch, int classes) {
        return checked(batch.targetValues(), classes);
    }

    private static int[] checked(int[] values, int classes) {
        for (int v : values) {
            if (v < 0 || v >= classes) {
                throw new IllegalArgumentException("a target of " + v + " is outside [0, " + classes + ")");
            }
        }
        return values;
    }

    /** 0/1 decisions of binary or multilabel predictions, one per element. */
    static int[] decisions(HostBatch batch, double threshold, int expectedLength) {
        NDArray preds = batch.preds();
        int[] decided;
        if (HeapArrays.isIntegral(preds)) {
            decided = checked(batch.predictedIndices(), 2);
        } else {
            double[] p = batch.scores();
            boolean logits = !within01(p);
            decided = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                decided[i] = (logits ? sigmoid(p[i]) : p[i]) > threshold ? 1 : 0;
            }
        }
        checkLength(decided.length, expectedLength, preds);
        return decided;
    }

    /** Predicted class indices of multiclass predictions: scores {@code [N, C]} or indices {@code [N]}; shared. */
    static int[] classes(HostBatch batch, int numClasses, int samples) {
        NDArray preds = batch.preds();
        if (HeapArrays.isIntegral(preds)) {
            int[] c = checked(batch.predictedIndices(), numClasses);
            checkLength(c.length, samples, preds);
            return c;
        }
        rowScores(batch, numClasses, samples);
        return batch.argmax(numClasses);
    }

    /** Multiclass scores {@code [N, C]}, row-major on the heap; shared, read only. */
    static double[] rowScores(HostBatch batch, int numClasses, int samples) {
        NDArray preds = batch.preds();
        if (preds.getShape().dimension() != 2 || preds.getShape().get(1) != numClasses
                || preds.getShape().get(0) != samples) {
            throw new IllegalArgumentException("multiclass scores must have shape [" + samples + ", " + numClasses
                    + "], got " + preds.getShape());
        }
        return batch.scores();
    }

    /** Whether a batch of scores holds logits: any score outside [0, 1]. */
    static boolean areLogits(double[] scores) {
        return !within01(scores);
    }

    /** Softmax in place of the {@code width} scores of the row starting at {@code at}. */
    static void softmaxRow(double[] scores, int at, int width) {
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

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
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
