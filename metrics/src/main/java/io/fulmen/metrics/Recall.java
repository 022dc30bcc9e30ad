package io.fulmen.metrics;

import org.apiguardian.api.API;

/**
 * Recall, tp / (tp + fn), as sklearn's {@code recall_score} (0 where no sample is positive). Binary:
 * of class 1; multiclass and multilabel: averaged as asked ({@link Average#MACRO} by default, as torchmetrics').
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Recall extends StatScoresMetric {
    private Recall(Task task, int classes, Average average, double threshold) {
        super(task, classes, average, threshold, 1);
    }

    /** Binary recall; a probability above 0.5 is class 1. */
    public static Recall binary() {
        return binary(0.5);
    }

    /** Binary recall; a probability above {@code threshold} is class 1. */
    public static Recall binary(double threshold) {
        return new Recall(Task.BINARY, 1, Average.MICRO, threshold);
    }

    /** Multiclass recall, macro-averaged. */
    public static Recall multiclass(int numClasses) {
        return multiclass(numClasses, Average.MACRO);
    }

    /** Multiclass recall averaged as {@code average}. */
    public static Recall multiclass(int numClasses, Average average) {
        return new Recall(Task.MULTICLASS, numClasses, average, 0.5);
    }

    /** Multilabel recall averaged as {@code average}; a probability above {@code threshold} is set. */
    public static Recall multilabel(int numLabels, Average average, double threshold) {
        return new Recall(Task.MULTILABEL, numLabels, average, threshold);
    }

    @Override
    double score(double tp, double fp, double fn, double tn) {
        return ratio(tp, tp + fn);
    }
}
