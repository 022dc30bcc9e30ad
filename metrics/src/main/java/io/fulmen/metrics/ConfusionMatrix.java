package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

/**
 * Counts of (true class, predicted class) pairs, as sklearn's {@code confusion_matrix}: rows are true classes,
 * columns predicted ones; binary is {@code [[tn, fp], [fn, tp]]}. Multilabel gives one such 2x2 matrix per label
 * (sklearn's {@code multilabel_confusion_matrix}) through {@link #computePerLabel()}. Predictions follow the rules
 * of the other classification metrics (threshold 0.5, highest score).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class ConfusionMatrix extends StatefulMetric {
    private final Task task;
    private final int width;
    private final Tally cells;

    private ConfusionMatrix(Task task, int width) {
        if (width < (task == Task.BINARY ? 1 : 2)) {
            throw new IllegalArgumentException("a confusion matrix needs at least 2 classes, got " + width);
        }
        this.task = task;
        this.width = width;
        this.cells = addTally(task == Task.MULTICLASS ? width * width : width * 4, ReduceOp.SUM);
    }

    /** The 2x2 matrix of a binary problem. */
    public static ConfusionMatrix binary() {
        return new ConfusionMatrix(Task.BINARY, 1);
    }

    /** The {@code numClasses x numClasses} matrix of a multiclass problem. */
    public static ConfusionMatrix multiclass(int numClasses) {
        return new ConfusionMatrix(Task.MULTICLASS, numClasses);
    }

    /** One 2x2 matrix per label. */
    public static ConfusionMatrix multilabel(int numLabels) {
        return new ConfusionMatrix(Task.MULTILABEL, numLabels);
    }

    /** Accumulates one batch. */
    public void update(NDArray preds, NDArray target) {
        HostBatch batch = new HostBatch(preds, target);
        if (task == Task.MULTICLASS) {
            int[] t = ClassificationInputs.targets(batch, width);
            int[] p = ClassificationInputs.classes(batch, width, t.length);
            for (int i = 0; i < t.length; i++) {
                cells.increment(t[i] * width + p[i]);
            }
            return;
        }
        int[] t = ClassificationInputs.targets(batch, 2);
        int[] p = ClassificationInputs.decisions(batch, 0.5, t.length);
        for (int i = 0; i < t.length; i++) {
            cells.increment((i % width) * 4 + t[i] * 2 + p[i]);
        }
    }

    /** The matrix of a binary or multiclass problem. */
    public long[][] compute() {
        if (task == Task.MULTILABEL) {
            throw new IllegalStateException("a multilabel confusion matrix has one matrix per label: call "
                    + "computePerLabel()");
        }
        return task == Task.BINARY ? computePerLabel()[0] : square(0, width);
    }

    /** One 2x2 matrix per label ({@code [label][true][predicted]}); a binary problem is one label. */
    public long[][][] computePerLabel() {
        if (task == Task.MULTICLASS) {
            throw new IllegalStateException("a multiclass confusion matrix is one matrix: call compute()");
        }
        long[][][] m = new long[width][][];
        for (int l = 0; l < width; l++) {
            m[l] = square(l * 4, 2);
        }
        return m;
    }

    private long[][] square(int offset, int n) {
        long[][] m = new long[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                m[r][c] = (long) cells.get(offset + r * n + c);
            }
        }
        return m;
    }
}
