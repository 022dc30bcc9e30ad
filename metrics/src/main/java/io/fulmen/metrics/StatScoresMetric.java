package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import io.fulmen.spi.ReduceOp;

import java.util.Locale;

/**
 * A classification metric computed from per-class counts (torchmetrics' stat scores): accuracy, precision, recall,
 * F1. Averages follow sklearn: macro over the classes seen in the targets or predictions for multiclass, over
 * every label for multilabel; a score whose denominator is zero is 0 (sklearn's {@code zero_division}).
 */
abstract class StatScoresMetric extends PredictionMetric {
    final Task task;
    final Average average;
    final ClassCounts counts;
    private final double threshold;
    private final int topK;

    StatScoresMetric(Task task, int classes, Average average, double threshold, int topK) {
        if (task == Task.MULTICLASS && classes < 2 || classes < 1) {
            throw new IllegalArgumentException("a " + task.name().toLowerCase(Locale.ROOT)
                    + " metric needs at least " + (task == Task.MULTICLASS ? 2 : 1) + " classes, got " + classes);
        }
        if (topK < 1 || topK > classes || topK > 1 && task != Task.MULTICLASS) {
            throw new IllegalArgumentException("top-k needs a multiclass metric and 1 <= k <= " + classes
                    + ", got k = " + topK);
        }
        this.task = task;
        this.average = average;
        this.threshold = threshold;
        this.topK = topK;
        int width = task == Task.BINARY ? 1 : classes;
        this.counts = new ClassCounts(addTally(width, ReduceOp.SUM), addTally(width, ReduceOp.SUM),
                addTally(width, ReduceOp.SUM), addTally(1, ReduceOp.SUM));
    }

    @Override
    protected final void accumulate(NDArray preds, NDArray target) {
        accumulate(new HostBatch(preds, target));
    }

    @Override
    final void accumulate(HostBatch batch) {
        NDArray preds = batch.preds();
        NDArray target = batch.target();
        if (task == Task.MULTICLASS) {
            int[] t = ClassificationInputs.targets(batch, counts.classes());
            if (topK > 1) {
                counts.addTopK(ClassificationInputs.rowScores(batch, counts.classes(), t.length), t, topK);
            } else {
                counts.addClasses(ClassificationInputs.classes(batch, counts.classes(), t.length), t);
            }
            return;
        }
        if (task == Task.MULTILABEL && !preds.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("multilabel predictions of shape " + preds.getShape()
                    + " and targets of shape " + target.getShape() + " must have one shape");
        }
        int[] t = ClassificationInputs.targets(batch, 2);
        if (t.length % counts.classes() != 0) {
            throw new IllegalArgumentException("multilabel targets must have shape [N, " + counts.classes()
                    + "], got " + target.getShape());
        }
        counts.addDecisions(ClassificationInputs.decisions(batch, threshold, t.length), t);
    }

    @Override
    public double compute() {
        if (task == Task.BINARY) {
            return scoreOf(0);
        }
        double sum = 0;
        int n = 0;
        switch (average) {
            case MICRO: {
                double tp = 0;
                double fp = 0;
                double fn = 0;
                double tn = 0;
                for (int c = 0; c < counts.classes(); c++) {
                    tp += counts.tp(c);
                    fp += counts.fp(c);
                    fn += counts.fn(c);
                    tn += counts.tn(c);
                }
                return score(tp, fp, fn, tn);
            }
            case MACRO:
                for (int c = 0; c < counts.classes(); c++) {
                    if (task == Task.MULTILABEL || counts.tp(c) + counts.fp(c) + counts.fn(c) > 0) {
                        sum += scoreOf(c);
                        n++;
                    }
                }
                return n == 0 ? 0 : sum / n;
            default: {
                double support = 0;
                for (int c = 0; c < counts.classes(); c++) {
                    double w = counts.tp(c) + counts.fn(c);
                    if (w > 0) {
                        sum += w * scoreOf(c);
                        support += w;
                    }
                }
                return support == 0 ? 0 : sum / support;
            }
        }
    }

    private double scoreOf(int c) {
        return score(counts.tp(c), counts.fp(c), counts.fn(c), counts.tn(c));
    }

    /** The metric of one class (or of the summed counts) from its counts. */
    abstract double score(double tp, double fp, double fn, double tn);

    static double ratio(double numerator, double denominator) {
        return denominator == 0 ? 0 : numerator / denominator;
    }
}
