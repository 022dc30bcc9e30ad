package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Metrics updated with the same arrays share one heap copy, yet never see an earlier step's contents. */
class SharedHostCopyTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void anArrayRefilledInPlaceIsReadAgainByEveryMetric() {
        NDArray preds = manager.create(new float[][] {{2, 1}, {2, 1}});
        NDArray target = manager.create(new long[] {0, 0});
        Accuracy accuracy = Accuracy.multiclass(2);
        F1Score f1 = F1Score.multiclass(2, Average.MICRO);
        ConfusionMatrix matrix = ConfusionMatrix.multiclass(2);
        assertEquals(1.0, accuracy.forward(preds, target));
        assertEquals(1.0, f1.forward(preds, target));
        matrix.update(preds, target);

        preds.set(new float[] {1, 2, 1, 2});
        assertEquals(0.0, accuracy.forward(preds, target));
        assertEquals(0.0, f1.forward(preds, target));
        matrix.update(preds, target);
        assertEquals(2, matrix.compute()[0][0]);
        assertEquals(2, matrix.compute()[0][1]);
    }

    @Test
    void multiclassAurocOfLogitsEqualsAurocOfTheirSoftmax() {
        float[][] logits = {{3, -1, 0.5f}, {0.2f, 2, -2}, {-1, 0, 4}, {1.5f, 1.4f, -3}};
        NDArray target = manager.create(new long[] {0, 1, 2, 1});
        Auroc ofLogits = Auroc.multiclass(3);
        Auroc ofProbabilities = Auroc.multiclass(3);
        ofLogits.update(manager.create(logits), target);
        ofProbabilities.update(manager.create(logits).softmax(1), target);
        assertEquals(ofProbabilities.compute(), ofLogits.compute(), 1e-12);
    }
}
