package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A collection reads a batch once for all its metrics with their own results; separate metrics never share a copy. */
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
    void aCollectionGivesEveryMemberTheValuesItGetsAlone() {
        float[][] logits = {{3, -1, 0.5f}, {0.2f, 2, -2}, {-1, 0, 4}, {1.5f, 1.4f, -3}, {0, 0, 1}};
        long[] labels = {0, 1, 2, 0, 1};
        Accuracy accuracy = Accuracy.multiclass(3);
        F1Score f1 = F1Score.multiclass(3, Average.MACRO);
        Auroc auroc = Auroc.multiclass(3);
        MetricCollection metrics = MetricCollection.of(accuracy, f1, auroc);
        Accuracy aloneAccuracy = Accuracy.multiclass(3);
        F1Score aloneF1 = F1Score.multiclass(3, Average.MACRO);
        Auroc aloneAuroc = Auroc.multiclass(3);
        for (int split : new int[] {2, 5}) {
            int from = split == 2 ? 0 : 2;
            NDArray p = manager.create(java.util.Arrays.copyOfRange(logits, from, split));
            NDArray t = manager.create(java.util.Arrays.copyOfRange(labels, from, split));
            double[] batch = metrics.forward(p, t);
            assertEquals(aloneAccuracy.forward(p, t), batch[0]);
            assertEquals(aloneF1.forward(p, t), batch[1]);
            assertEquals(aloneAuroc.forward(p, t), batch[2], 1e-12);
        }
        assertEquals(aloneAccuracy.compute(), accuracy.compute());
        assertEquals(aloneF1.compute(), f1.compute());
        assertEquals(aloneAuroc.compute(), auroc.compute(), 1e-12);
        metrics.update(manager.create(logits), manager.create(labels));
        assertEquals(List.of(accuracy, f1, auroc), metrics.metrics());
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
