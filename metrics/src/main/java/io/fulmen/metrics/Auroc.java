package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

/**
 * The area under the ROC curve, as sklearn's {@code roc_auc_score} (tied scores handled as there). Binary: of the
 * class-1 scores. Multiclass: one-vs-rest per class on softmax probabilities (scores outside [0, 1] are taken as
 * logits), averaged unweighted ({@link Average#MACRO}) or by class prevalence ({@link Average#WEIGHTED}).
 * Multilabel: per label, averaged macro, weighted, or micro (one problem of every label decision).
 *
 * <p>Exact AUROC needs every score: they are kept on the heap as given (8 bytes a score, multiclass logits softmaxed
 * only by {@link #compute()}) until {@link #reset()}, and gathered from every process by {@link #sync}. The value is NaN while a class has no positive or no negative
 * sample (sklearn refuses such data).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Auroc extends PredictionMetric {
    private final Task task;
    private final int width;
    private final Average average;
    private final Samples scores = addSamples();
    private final Samples targets = addSamples();
    /** Multiclass: 1 for each row of a batch of logits, softmaxed when computing (off the training step). */
    private final Samples logitRows = addSamples();

    private Auroc(Task task, int width, Average average) {
        if (task != Task.BINARY && width < 2) {
            throw new IllegalArgumentException("multiclass and multilabel AUROC need at least 2 classes, got "
                    + width);
        }
        if (task == Task.MULTICLASS && average == Average.MICRO) {
            throw new IllegalArgumentException("multiclass AUROC is one-vs-rest: average MACRO or WEIGHTED");
        }
        this.task = task;
        this.width = width;
        this.average = average;
    }

    /** Binary AUROC of the scores of class 1. */
    public static Auroc binary() {
        return new Auroc(Task.BINARY, 1, Average.MACRO);
    }

    /** One-vs-rest multiclass AUROC, macro-averaged. */
    public static Auroc multiclass(int numClasses) {
        return multiclass(numClasses, Average.MACRO);
    }

    /** One-vs-rest multiclass AUROC averaged as {@code average} (MACRO or WEIGHTED). */
    public static Auroc multiclass(int numClasses, Average average) {
        return new Auroc(Task.MULTICLASS, numClasses, average);
    }

    /** Multilabel AUROC averaged as {@code average}. */
    public static Auroc multilabel(int numLabels, Average average) {
        return new Auroc(Task.MULTILABEL, numLabels, average);
    }

    @Override
    protected void accumulate(NDArray preds, NDArray target) {
        accumulate(new HostBatch(preds, target));
    }

    @Override
    void accumulate(HostBatch batch) {
        NDArray preds = batch.preds();
        NDArray target = batch.target();
        int[] t = ClassificationInputs.targets(batch, task == Task.MULTICLASS ? width : 2);
        double[] s;
        if (task == Task.MULTICLASS) {
            s = ClassificationInputs.rowScores(batch, width, t.length);
            logitRows.addCopies(ClassificationInputs.areLogits(s) ? 1 : 0, t.length);
        } else {
            s = batch.scores();
            ClassificationInputs.checkLength(s.length, t.length, preds);
            if (t.length % width != 0) {
                throw new IllegalArgumentException("multilabel targets must have shape [N, " + width + "], got "
                        + target.getShape());
            }
        }
        scores.addAll(s);
        targets.addAll(t);
    }

    @Override
    public double compute() {
        double[] s = scores.toArray();
        double[] t = targets.toArray();
        if (task == Task.MULTICLASS) {
            softmaxLogitRows(s);
        }
        if (task == Task.BINARY || task == Task.MULTILABEL && average == Average.MICRO) {
            return RankAuc.of(s, t, 0, 1, s.length);
        }
        int rows = s.length / width;
        double[] positive = task == Task.MULTICLASS ? oneVsRest(t, rows) : t;
        double sum = 0;
        double weights = 0;
        for (int c = 0; c < width; c++) {
            double w = 1;
            if (average == Average.WEIGHTED) {
                w = 0;
                for (int r = 0; r < rows; r++) {
                    w += positive[r * width + c];
                }
            }
            sum += w * RankAuc.of(s, positive, c, width, rows);
            weights += w;
        }
        return weights == 0 ? Double.NaN : sum / weights;
    }

    private void softmaxLogitRows(double[] s) {
        for (int r = 0; r < logitRows.size(); r++) {
            if (logitRows.get(r) == 1) {
                ClassificationInputs.softmaxRow(s, r * width, width);
            }
        }
    }

    /** Class indices as a row-major one-hot matrix. */
    private double[] oneVsRest(double[] classes, int rows) {
        double[] oneHot = new double[rows * width];
        for (int r = 0; r < rows; r++) {
            oneHot[r * width + (int) classes[r]] = 1;
        }
        return oneHot;
    }
}
