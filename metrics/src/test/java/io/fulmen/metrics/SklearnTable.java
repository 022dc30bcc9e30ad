package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/** The committed table of inputs and scikit-learn's values for them ({@code src/test/python}). */
final class SklearnTable {
    /** Uneven batches, so a mean of batch values would differ from the value over every sample. */
    static final int[] BATCHES = {7, 13, 1, 29};

    private final JsonObject root;

    private SklearnTable(JsonObject root) {
        this.root = root;
    }

    static SklearnTable load() throws IOException {
        try (Reader r = new InputStreamReader(SklearnTable.class.getResourceAsStream("/sklearn-expected.json"),
                StandardCharsets.UTF_8)) {
            return new SklearnTable(JsonParser.parseReader(r).getAsJsonObject());
        }
    }

    JsonObject group(String name) {
        return root.getAsJsonObject(name);
    }

    /** A JSON array of numbers (nested for matrices) as a float64 array; integers as int64. */
    static NDArray array(NDManager manager, JsonObject group, String key) {
        JsonArray a = group.getAsJsonArray(key);
        boolean matrix = a.get(0).isJsonArray();
        int rows = a.size();
        int cols = matrix ? a.get(0).getAsJsonArray().size() : 1;
        boolean integral = true;
        double[] flat = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                JsonElement e = matrix ? a.get(r).getAsJsonArray().get(c) : a.get(r);
                flat[r * cols + c] = e.getAsDouble();
                integral &= !e.getAsString().contains(".") && !e.getAsString().contains("e");
            }
        }
        NDArray out;
        if (integral) {
            long[] l = new long[flat.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = (long) flat[i];
            }
            out = manager.create(l);
        } else {
            out = manager.create(flat);
        }
        return matrix ? out.reshape(rows, cols) : out;
    }

    /** Feeds {@code preds} and {@code target} row-wise in {@link #BATCHES}, then the rest in one batch. */
    static void inBatches(NDArray preds, NDArray target, BiConsumer<NDArray, NDArray> update) {
        long n = target.getShape().get(0);
        long at = 0;
        for (int i = 0; at < n; i++) {
            long size = i < BATCHES.length ? Math.min(BATCHES[i], n - at) : n - at;
            NDIndex rows = new NDIndex(at + ":" + (at + size));
            update.accept(preds.get(rows), target.get(rows));
            at += size;
        }
    }
}
