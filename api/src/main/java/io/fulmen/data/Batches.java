package io.fulmen.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.dataset.Batch;
import org.apiguardian.api.API;

import java.util.Objects;

/**
 * Typed access to a batch's arrays, for the common case of one input and one label per sample (Lightning's
 * {@code x, y = batch}). With {@code import static io.fulmen.data.Batches.*}:
 * <pre>{@code
 * NDArray loss = Losses.crossEntropy(forward(data(batch)), labels(batch));
 * }</pre>
 * A batch with several inputs or labels says how many it has and which accessor to use instead of silently
 * taking the first.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Batches {
    private Batches() {}

    /** The batch's only input array; fails when it has none or several (use {@link #data(Batch, int)} then). */
    public static NDArray data(Batch batch) {
        requirePlain(batch);
        return only(Objects.requireNonNull(batch, "batch").getData(), "input", "data(batch, i)");
    }

    /** The batch's only label array; fails when it has none or several (use {@link #labels(Batch, int)} then). */
    public static NDArray labels(Batch batch) {
        requirePlain(batch);
        return only(Objects.requireNonNull(batch, "batch").getLabels(), "label", "labels(batch, i)");
    }

    /** The batch's input array number {@code index}. */
    public static NDArray data(Batch batch, int index) {
        return at(Objects.requireNonNull(batch, "batch").getData(), index, "input");
    }

    /** The batch's label array number {@code index}. */
    public static NDArray labels(Batch batch, int index) {
        return at(Objects.requireNonNull(batch, "batch").getLabels(), index, "label");
    }

    private static void requirePlain(Batch batch) {
        if (batch instanceof CombinedBatch combined) {
            throw new IllegalArgumentException("this batch combines " + combined.numLoaders() + " loaders' batches "
                    + "(a CombinedLoader): take one with CombinedBatch.of(batch).get(" + (combined.names().isEmpty()
                    ? "index" : "\"" + combined.names().get(0) + "\"") + ") first");
        }
    }

    private static NDArray only(NDList list, String what, String instead) {
        int n = list == null ? 0 : list.size();
        if (n == 1) {
            return list.head();
        }
        if (n == 0) {
            throw new IllegalArgumentException("the batch has no " + what + " array"
                    + ("label".equals(what) ? " (a predict-only dataset has none)" : ""));
        }
        throw new IllegalArgumentException("the batch has " + n + " " + what + " arrays (shapes " + shapes(list)
                + "); pick one with " + instead);
    }

    private static NDArray at(NDList list, int index, String what) {
        int n = list == null ? 0 : list.size();
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("the batch has " + n + " " + what + " array" + (n == 1 ? "" : "s")
                    + ", no number " + index);
        }
        return list.get(index);
    }

    private static String shapes(NDList list) {
        StringBuilder s = new StringBuilder();
        for (NDArray a : list) {
            s.append(s.length() == 0 ? "" : ", ").append(a.getShape());
        }
        return "[" + s + "]";
    }
}
