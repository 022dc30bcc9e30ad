package io.fulmen.metrics;

import org.apiguardian.api.API;

/**
 * Accuracy, as sklearn computes it. Binary: the fraction of right decisions. Multiclass: the fraction of samples
 * whose class is predicted (with top-k: among the k highest scores, sklearn's {@code top_k_accuracy_score});
 * {@link Average#MACRO} is the mean per-class recall over the classes present in the targets (sklearn's
 * {@code balanced_accuracy_score}; torchmetrics' {@code MulticlassAccuracy} defaults to macro, this class to micro).
 * Multilabel: the fraction of right label decisions (micro, {@code 1 - hamming_loss}), their mean per label (macro)
 * or weighted by label support.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Accuracy extends StatScoresMetric {
    private Accuracy(Task task, int classes, Average average, double threshold, int topK) {
        super(task, classes, average, threshold, topK);
    }

    /** Binary accuracy; a probability above 0.5 is class 1. */
    public static Accuracy binary() {
        return binary(0.5);
    }

    /** Binary accuracy; a probability above {@code threshold} is class 1. */
    public static Accuracy binary(double threshold) {
        return new Accuracy(Task.BINARY, 1, Average.MICRO, threshold, 1);
    }

    /** The fraction of samples whose class is the highest-scoring one. */
    public static Accuracy multiclass(int numClasses) {
        return multiclass(numClasses, Average.MICRO, 1);
    }

    /** Multiclass accuracy averaged as {@code average}, counting a hit when the class is among the top {@code k}. */
    public static Accuracy multiclass(int numClasses, Average average, int k) {
        return new Accuracy(Task.MULTICLASS, numClasses, average, 0.5, k);
    }

    /** The fraction of right label decisions over every label of every sample; a probability above 0.5 is set. */
    public static Accuracy multilabel(int numLabels) {
        return multilabel(numLabels, Average.MICRO, 0.5);
    }

    /** Multilabel accuracy averaged as {@code average}; a probability above {@code threshold} is set. */
    public static Accuracy multilabel(int numLabels, Average average, double threshold) {
        return new Accuracy(Task.MULTILABEL, numLabels, average, threshold, 1);
    }

    @Override
    public double compute() {
        if (task != Task.MULTICLASS) {
            return super.compute();
        }
        double hits = 0;
        double recalls = 0;
        int present = 0;
        for (int c = 0; c < counts.classes(); c++) {
            hits += counts.tp(c);
            double support = counts.tp(c) + counts.fn(c);
            if (support > 0) {
                recalls += counts.tp(c) / support;
                present++;
            }
        }
        if (average == Average.MACRO) {
            return present == 0 ? 0 : recalls / present;
        }
        return counts.samples() == 0 ? 0 : hits / counts.samples();
    }

    @Override
    double score(double tp, double fp, double fn, double tn) {
        return ratio(tp + tn, tp + fp + fn + tn);
    }
}
