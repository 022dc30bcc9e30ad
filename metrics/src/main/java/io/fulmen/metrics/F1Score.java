package io.fulmen.metrics;

import org.apiguardian.api.API;

/**
 * The F1 score, the harmonic mean of precision and recall, 2tp / (2tp + fp + fn), as sklearn's {@code f1_score} (0 where
 * the class is in neither targets nor predictions). Binary:
 * of class 1; multiclass and multilabel: averaged as asked ({@link Average#MACRO} by default, as torchmetrics').
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class F1Score extends StatScoresMetric {
    private F1Score(Task task, int classes, Average average, double threshold) {
        super(task, classes, average, threshold, 1);
    }

    /** Binary F1; a probability above 0.5 is class 1. */
    public static F1Score binary() {
        return binary(0.5);
    }

    /** Binary F1; a probability above {@code threshold} is class 1. */
    public static F1Score binary(double threshold) {
        return new F1Score(Task.BINARY, 1, Average.MICRO, threshold);
    }

    /** Multiclass F1, macro-averaged. */
    public static F1Score multiclass(int numClasses) {
        return multiclass(numClasses, Average.MACRO);
    }

    /** Multiclass F1 averaged as {@code average}. */
    public static F1Score multiclass(int numClasses, Average average) {
        return new F1Score(Task.MULTICLASS, numClasses, average, 0.5);
    }

    /** Multilabel F1 averaged as {@code average}; a probability above {@code threshold} is set. */
    public static F1Score multilabel(int numLabels, Average average, double threshold) {
        return new F1Score(Task.MULTILABEL, numLabels, average, threshold);
    }

    @Override
    double score(double tp, double fp, double fn, double tn) {
        return ratio(2 * tp, 2 * tp + fp + fn);
    }
}
