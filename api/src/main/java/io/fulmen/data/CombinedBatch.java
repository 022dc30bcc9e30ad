package io.fulmen.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One training batch of a {@link CombinedLoader}: a batch from each of its loaders, by name (Lightning's
 * {@code batch["a"]} when {@code train_dataloader} returns a dict) or by position ({@code batch[0]} for a list). In
 * {@code max_size} mode a loader that ran out has no batch ({@link #get} returns null). The combined batch has no
 * arrays of its own; {@link #getSize()} is the size of its first part, the weight Lightning gives logged values.
 * Closing it closes every part.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class CombinedBatch extends Batch {
    private final List<String> names;
    private final List<Batch> parts;

    CombinedBatch(NDManager manager, List<String> names, List<Batch> parts, long progress, long progressTotal) {
        super(manager, new NDList(), new NDList(), firstSize(parts), Batchifier.STACK, Batchifier.STACK, progress,
                progressTotal);
        this.names = names;
        this.parts = Collections.unmodifiableList(new ArrayList<>(parts));
    }

    private static int firstSize(List<Batch> parts) {
        for (Batch b : parts) {
            if (b != null) {
                return b.getSize();
            }
        }
        return 0;
    }

    /** {@code batch} as a combined batch; fails with the fix when the training data is one plain loader. */
    public static CombinedBatch of(Batch batch) {
        if (batch instanceof CombinedBatch combined) {
            return combined;
        }
        throw new IllegalArgumentException("this batch comes from one loader, not from a CombinedLoader: train on "
                + "CombinedLoader.of(...) (or return one from trainCombinedLoader()) to get a batch per loader");
    }

    /** The batch of the loader called {@code name}; null when that loader ran out ({@code max_size} mode). */
    public Batch get(String name) {
        int i = names == null ? -1 : names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no loader called '" + name + "' in this combined batch; "
                    + (names == null ? "its loaders were given as a list: use get(index)" : "names: " + names));
        }
        return parts.get(i);
    }

    /** The batch of loader number {@code index}; null when that loader ran out ({@code max_size} mode). */
    public Batch get(int index) {
        if (index < 0 || index >= parts.size()) {
            throw new IndexOutOfBoundsException("loader " + index + " of a combined batch of " + parts.size());
        }
        return parts.get(index);
    }

    /** How many loaders contributed (including those that ran out). */
    public int numLoaders() {
        return parts.size();
    }

    /** The loaders' names in order, or an empty list when they were given as a list. */
    public List<String> names() {
        return names == null ? List.of() : names;
    }

    /** The parts in the loaders' order (null for a loader that ran out). */
    public List<Batch> parts() {
        return parts;
    }

    /** The parts by name; for loaders given as a list the names are "0", "1"… */
    public Map<String, Batch> asMap() {
        Map<String, Batch> map = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            map.put(names == null ? Integer.toString(i) : names.get(i), parts.get(i));
        }
        return Collections.unmodifiableMap(map);
    }

    /** The same combination with other parts (e.g. moved to a device); the new batch owns them. */
    public CombinedBatch withParts(List<Batch> newParts) {
        Objects.requireNonNull(newParts, "newParts");
        if (newParts.size() != parts.size()) {
            throw new IllegalArgumentException("a combined batch of " + parts.size() + " parts cannot take "
                    + newParts.size());
        }
        return new CombinedBatch(getManager(), names, newParts, getProgress(), getProgressTotal());
    }

    @Override
    public void close() {
        for (Batch b : parts) {
            if (b != null && b.getManager() != null) {
                b.close();
            }
        }
        if (getManager() != null) {
            super.close();
        }
    }
}
