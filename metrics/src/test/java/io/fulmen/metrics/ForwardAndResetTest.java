package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** torchmetrics' contract: forward returns the batch's own value while accumulating; reset starts over. */
class ForwardAndResetTest {
    private static SklearnTable table;
    private static NDManager manager;

    @BeforeAll
    static void load() throws IOException {
        table = SklearnTable.load();
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void forwardReturnsTheBatchValueAndAccumulatesEveryBatch() {
        JsonObject g = table.group("multiclass");
        NDArray preds = SklearnTable.array(manager, g, "preds");
        NDArray target = SklearnTable.array(manager, g, "target");
        List<Supplier<PredictionMetric>> kinds = List.of(() -> Accuracy.multiclass(4),
                () -> F1Score.multiclass(4, Average.WEIGHTED), () -> Auroc.multiclass(4));
        for (Supplier<PredictionMetric> kind : kinds) {
            PredictionMetric forwarded = kind.get();
            PredictionMetric updated = kind.get();
            List<Double> batchValues = new ArrayList<>();
            SklearnTable.inBatches(preds, target, (p, t) -> {
                PredictionMetric alone = kind.get();
                alone.update(p, t);
                double v = forwarded.forward(p, t);
                assertEquals(alone.compute(), v, 1e-12, forwarded.getClass().getSimpleName());
                assertEquals(v, forwarded.batchValue());
                batchValues.add(v);
                updated.update(p, t);
            });
            assertEquals(updated.compute(), forwarded.compute(), 1e-12, forwarded.getClass().getSimpleName());
            assertTrue(batchValues.size() > 2);
        }
    }

    @Test
    void updateClearsTheBatchValueAndResetStartsOver() {
        JsonObject g = table.group("binary");
        NDArray preds = SklearnTable.array(manager, g, "preds");
        NDArray target = SklearnTable.array(manager, g, "target");
        Auroc auroc = Auroc.binary();
        auroc.forward(preds, target);
        assertEquals(g.get("auroc").getAsDouble(), auroc.batchValue(), 1e-12);
        auroc.update(preds, target);
        assertTrue(Double.isNaN(auroc.batchValue()), "an update without forward leaves no batch value");
        auroc.reset();
        assertTrue(Double.isNaN(auroc.compute()), "no samples after reset");
        auroc.update(preds, target);
        assertEquals(g.get("auroc").getAsDouble(), auroc.compute(), 1e-12, "only what came after reset counts");
    }

    @Test
    void aFailedForwardAccumulatesNothing() {
        Accuracy accuracy = Accuracy.multiclass(3);
        accuracy.update(manager.create(new long[] {0, 1, 2}), manager.create(new long[] {0, 1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> accuracy.forward(manager.create(new long[] {0, 1}), manager.create(new long[] {0, 7})));
        assertEquals(2.0 / 3, accuracy.compute(), 1e-15);
    }

    @Test
    void aggregations() {
        MeanMetric mean = new MeanMetric();
        SumMetric sum = new SumMetric();
        MaxMetric max = new MaxMetric();
        MinMetric min = new MinMetric();
        CatMetric cat = new CatMetric();
        NDArray batch = manager.create(new float[] {1, 5, -2});
        assertEquals(4.0 / 3, mean.forward(batch), 1e-6);
        assertEquals(4, sum.forward(batch));
        assertEquals(5, max.forward(batch));
        assertEquals(-2, min.forward(batch));
        assertArrayEquals(new double[] {1, 5, -2}, cat.forward(batch));
        assertEquals(10, mean.forward(10));
        mean.update(4, 3);
        sum.update(10);
        max.update(-7);
        min.update(-7);
        cat.update(10);
        assertEquals((4 + 10 + 12) / 7.0, mean.compute(), 1e-12);
        assertEquals(14, sum.compute());
        assertEquals(5, max.compute());
        assertEquals(-7, min.compute());
        assertArrayEquals(new double[] {1, 5, -2, 10}, cat.compute());
        mean.reset();
        max.reset();
        cat.reset();
        assertTrue(Double.isNaN(mean.compute()));
        assertEquals(Double.NEGATIVE_INFINITY, max.compute());
        assertEquals(0, cat.compute().length);
    }

    @Test
    void logitsAreTakenAsScoresOutsideTheUnitInterval() {
        // Binary logits: sigmoid(0.3) > 0.5 and sigmoid(-0.2) < 0.5; multiclass logits: softmax keeps the argmax.
        Accuracy binary = Accuracy.binary();
        binary.update(manager.create(new float[] {0.3f, -0.2f, 2f}), manager.create(new long[] {1, 0, 0}));
        assertEquals(2.0 / 3, binary.compute(), 1e-12);
        Auroc auroc = Auroc.multiclass(3);
        auroc.update(manager.create(new float[][] {{5, 0, 0}, {0, 5, 0}, {0, 0, 5}, {4, 0, 1}}),
                manager.create(new long[] {0, 1, 2, 0}));
        assertEquals(1.0, auroc.compute(), 1e-12);
    }
}
