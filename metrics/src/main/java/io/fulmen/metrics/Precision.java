package io.fulmen.metrics;

import org.apiguardian.api.API;

/**
 * Precision, tp / (tp + fp), as sklearn's {@code precision_score} (0 where nothing was predicted positive). Binary:
 * of class 1; multiclass and multilabel: averaged as asked ({@link Average#MACRO} by default, as torchmetrics').
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Precision extends StatScoresMetric {
    private Precision(Task task, int classes, Average average, double threshold) {
        super(task, classes, average, threshold, 1);
    }

    /** Binary precision; a probability above 0.5 is class 1. */
    public static Precision binary() {
        return binary(0.5);
    }

    /** Binary precision; a probability above {@code threshold} is class 1. */
    public static Precision binary(double threshold) {
        return new Precision(Task.BINARY, 1, Average.MICRO, threshold);
    }

    /** Multiclass precision, macro-averaged. */
    public static Precision multiclass(int numClasses) {
        return multiclass(numClasses, Average.MACRO);
    }

    /** Multiclass precision averaged as {@code average}. */
    public static Precision multiclass(int numClasses, Average average) {
        return new Precision(Task.MULTICLASS, numClasses, average, 0.5);
    }

    /** Multilabel precision averaged as {@code average}; a probability above {@code threshold} is set. */
    public static Precision multilabel(int numLabels, Average average, double threshold) {
        return new Precision(Task.MULTILABEL, numLabels, average, threshold);
    }

    @Override
    double score(double tp, double fp, double fn, double tn) {
        return ratio(tp, tp + fp);
    }
}
