package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every metric, fed in uneven batches, against the values scikit-learn computed for the same inputs. */
class SklearnTableTest {
    private static final double TOLERANCE = 1e-12;
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
    void binary() {
        Map<String, Supplier<PredictionMetric>> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", Accuracy::binary);
        metrics.put("precision_binary", Precision::binary);
        metrics.put("recall_binary", Recall::binary);
        metrics.put("f1_binary", F1Score::binary);
        metrics.put("auroc", Auroc::binary);
        check("binary", metrics);
        checkConfusion("binary", ConfusionMatrix.binary(), "confusion_matrix");
    }

    @Test
    void multiclass() {
        int c = 4;
        Map<String, Supplier<PredictionMetric>> metrics = new LinkedHashMap<>();
        metrics.put("accuracy_micro", () -> Accuracy.multiclass(c));
        metrics.put("accuracy_macro", () -> Accuracy.multiclass(c, Average.MACRO, 1));
        metrics.put("accuracy_top2", () -> Accuracy.multiclass(c, Average.MICRO, 2));
        metrics.put("accuracy_top3", () -> Accuracy.multiclass(c, Average.MICRO, 3));
        metrics.put("auroc_macro", () -> Auroc.multiclass(c));
        metrics.put("auroc_weighted", () -> Auroc.multiclass(c, Average.WEIGHTED));
        putStatScores(metrics, () -> c, false);
        check("multiclass", metrics);
        checkConfusion("multiclass", ConfusionMatrix.multiclass(c), "confusion_matrix");
    }

    /** Class 4 is declared but in neither targets nor predictions: left out of macro averages, as by sklearn. */
    @Test
    void multiclassWithAnAbsentClassAndClassIndexPredictions() {
        int c = 5;
        Map<String, Supplier<PredictionMetric>> metrics = new LinkedHashMap<>();
        metrics.put("accuracy_micro", () -> Accuracy.multiclass(c));
        metrics.put("accuracy_macro", () -> Accuracy.multiclass(c, Average.MACRO, 1));
        putStatScores(metrics, () -> c, false);
        check("multiclass_absent_class", metrics);
    }

    @Test
    void multilabel() {
        int l = 3;
        Map<String, Supplier<PredictionMetric>> metrics = new LinkedHashMap<>();
        metrics.put("accuracy_micro", () -> Accuracy.multilabel(l));
        metrics.put("accuracy_macro", () -> Accuracy.multilabel(l, Average.MACRO, 0.5));
        metrics.put("accuracy_weighted", () -> Accuracy.multilabel(l, Average.WEIGHTED, 0.5));
        for (Average a : Average.values()) {
            metrics.put("auroc_" + a.name().toLowerCase(Locale.ROOT), () -> Auroc.multilabel(l, a));
        }
        putStatScores(metrics, () -> l, true);
        check("multilabel", metrics);

        JsonObject g = table.group("multilabel");
        ConfusionMatrix m = ConfusionMatrix.multilabel(l);
        SklearnTable.inBatches(SklearnTable.array(manager, g, "preds"), SklearnTable.array(manager, g, "target"),
                m::update);
        long[][][] perLabel = m.computePerLabel();
        JsonArray expected = g.getAsJsonArray("confusion_matrices");
        for (int i = 0; i < l; i++) {
            assertArrayEquals(matrix(expected.get(i).getAsJsonArray()), perLabel[i], "label " + i);
        }
    }

    @Test
    void regression() {
        Map<String, Supplier<PredictionMetric>> metrics = new LinkedHashMap<>();
        metrics.put("mse", MeanSquaredError::new);
        metrics.put("rmse", MeanSquaredError::root);
        metrics.put("mae", MeanAbsoluteError::new);
        metrics.put("r2", R2Score::new);
        check("regression", metrics);

        JsonObject g = table.group("regression");
        CosineSimilarity cosine = new CosineSimilarity();
        SklearnTable.inBatches(SklearnTable.array(manager, g, "cosine_preds"),
                SklearnTable.array(manager, g, "cosine_target"), cosine::update);
        assertEquals(g.get("cosine_similarity").getAsDouble(), cosine.compute(), TOLERANCE);
    }

    private static void putStatScores(Map<String, Supplier<PredictionMetric>> metrics, Supplier<Integer> classes,
                                      boolean multilabel) {
        int n = classes.get();
        for (Average a : Average.values()) {
            String suffix = "_" + a.name().toLowerCase(Locale.ROOT);
            metrics.put("precision" + suffix, () -> multilabel ? Precision.multilabel(n, a, 0.5)
                    : Precision.multiclass(n, a));
            metrics.put("recall" + suffix, () -> multilabel ? Recall.multilabel(n, a, 0.5) : Recall.multiclass(n, a));
            metrics.put("f1" + suffix, () -> multilabel ? F1Score.multilabel(n, a, 0.5) : F1Score.multiclass(n, a));
        }
    }

    private static void check(String group, Map<String, Supplier<PredictionMetric>> metrics) {
        JsonObject g = table.group(group);
        NDArray preds = SklearnTable.array(manager, g, "preds");
        NDArray target = SklearnTable.array(manager, g, "target");
        assertAll(metrics.entrySet().stream().map(e -> () -> {
            PredictionMetric m = e.getValue().get();
            SklearnTable.inBatches(preds, target, m::update);
            assertEquals(g.get(e.getKey()).getAsDouble(), m.compute(), TOLERANCE, group + " " + e.getKey());
        }));
    }

    private static void checkConfusion(String group, ConfusionMatrix m, String key) {
        JsonObject g = table.group(group);
        SklearnTable.inBatches(SklearnTable.array(manager, g, "preds"), SklearnTable.array(manager, g, "target"),
                m::update);
        assertArrayEquals(matrix(g.getAsJsonArray(key)), m.compute(), group + " " + key);
    }

    private static long[][] matrix(JsonArray rows) {
        long[][] m = new long[rows.size()][];
        for (int r = 0; r < m.length; r++) {
            JsonArray row = rows.get(r).getAsJsonArray();
            m[r] = new long[row.size()];
            for (int c = 0; c < m[r].length; c++) {
                m[r][c] = row.get(c).getAsLong();
            }
        }
        return m;
    }
}
