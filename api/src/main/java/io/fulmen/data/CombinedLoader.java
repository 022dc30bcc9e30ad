package io.fulmen.data;

import ai.djl.ndarray.NDManager;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongBinaryOperator;

/**
 * Training batches drawn from several loaders at once (Lightning's {@code CombinedLoader}). Each training step gets
 * a {@link CombinedBatch} with one batch per loader, by name when the loaders were given as a map and by position
 * when given as a list; in {@link Mode#SEQUENTIAL} mode it gets the loaders' plain batches one loader after the
 * other. Pass it to {@code Trainer.fit(module, combined)} or return it from {@code trainCombinedLoader()}.
 * {@code limit_train_batches} applies to each loader, as in Lightning.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class CombinedLoader implements DataSource {

    /** How the loaders' batches are combined; the names are Lightning's. */
    public enum Mode {
        /** Until the longest loader is exhausted, restarting the shorter ones (Lightning's default for fit). */
        MAX_SIZE_CYCLE,
        /** Until the shortest loader is exhausted. */
        MIN_SIZE,
        /** Until the longest loader is exhausted; a loader that ran out contributes null. */
        MAX_SIZE,
        /** One loader after the other, each batch on its own. */
        SEQUENTIAL;

        /** Lightning's name, e.g. {@code max_size_cycle}. */
        public String lightningName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode of a Lightning name ({@code max_size_cycle}, {@code min_size}, {@code max_size}, {@code sequential}). */
        public static Mode of(String name) {
            for (Mode m : values()) {
                if (m.lightningName().equals(Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown CombinedLoader mode '" + name + "'; modes: max_size_cycle, "
                    + "min_size, max_size, sequential");
        }
    }

    private final List<String> names;
    private final List<DataLoader> loaders;
    private final Mode mode;

    private CombinedLoader(List<String> names, List<DataLoader> loaders, Mode mode) {
        if (loaders.isEmpty()) {
            throw new IllegalArgumentException("a CombinedLoader needs at least one loader");
        }
        for (int i = 0; i < loaders.size(); i++) {
            if (loaders.get(i) == null) {
                throw new IllegalArgumentException("loader " + (names == null ? "number " + i : "'" + names.get(i)
                        + "'") + " of the CombinedLoader is null");
            }
        }
        this.names = names;
        this.loaders = List.copyOf(loaders);
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** Loaders by name in {@code max_size_cycle} mode; batches are looked up by name. */
    public static CombinedLoader of(Map<String, DataLoader> loaders) {
        return of(loaders, Mode.MAX_SIZE_CYCLE);
    }

    /** Loaders by name (in the map's order) in {@code mode}. */
    public static CombinedLoader of(Map<String, DataLoader> loaders, Mode mode) {
        Map<String, DataLoader> copy = new LinkedHashMap<>(Objects.requireNonNull(loaders, "loaders"));
        return new CombinedLoader(List.copyOf(copy.keySet()), new ArrayList<>(copy.values()), mode);
    }

    /** Loaders by position in {@code max_size_cycle} mode. */
    public static CombinedLoader of(List<DataLoader> loaders) {
        return of(loaders, Mode.MAX_SIZE_CYCLE);
    }

    /** Loaders by position in {@code mode}. */
    public static CombinedLoader of(List<DataLoader> loaders, Mode mode) {
        return new CombinedLoader(null, new ArrayList<>(Objects.requireNonNull(loaders, "loaders")), mode);
    }

    public Mode mode() {
        return mode;
    }

    public List<DataLoader> loaders() {
        return loaders;
    }

    /** The loaders' names, or an empty list when they were given as a list. */
    public List<String> names() {
        return names == null ? List.of() : names;
    }

    /** Batches per epoch without limits ({@code len(combined_loader)}). */
    public long numBatches() {
        long[] lengths = new long[loaders.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = loaders.get(i).numBatches();
        }
        return numBatches(lengths);
    }

    /** Batches per epoch when loader {@code i} yields {@code lengths[i]} batches (after limits). */
    public long numBatches(long[] lengths) {
        checkLengths(lengths);
        LongSummary s = LongSummary.of(lengths);
        return switch (mode) {
            case MAX_SIZE_CYCLE, MAX_SIZE -> s.max;
            case MIN_SIZE -> s.min;
            case SEQUENTIAL -> s.sum;
        };
    }

    /**
     * Starts an epoch. Loader {@code i} yields its first {@code lengths[i]} batches per pass; a pass over it is
     * shuffled with {@code seeds.applyAsLong(i, pass)} (a loader restarted by {@code max_size_cycle} gets a new
     * order each pass). The epoch starts at combined batch {@code startBatch} and yields at most {@code limit}
     * batches (-1 for all).
     */
    public CombinedStream open(NDManager manager, long[] lengths, LongBinaryOperator seeds, long startBatch,
                               long limit) {
        checkLengths(lengths);
        return new CombinedStream(this, manager, lengths.clone(), Objects.requireNonNull(seeds, "seeds"), startBatch,
                limit);
    }

    List<String> nameList() {
        return names;
    }

    private void checkLengths(long[] lengths) {
        if (lengths.length != loaders.size()) {
            throw new IllegalArgumentException(lengths.length + " lengths for " + loaders.size() + " loaders: "
                    + Arrays.toString(lengths));
        }
    }

    private record LongSummary(long min, long max, long sum) {
        static LongSummary of(long[] values) {
            long min = Long.MAX_VALUE;
            long max = 0;
            long sum = 0;
            for (long v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            return new LongSummary(min, max, sum);
        }
    }
}
