package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import io.fulmen.data.BatchStream;
import io.fulmen.data.CombinedLoader;
import io.fulmen.data.CombinedStream;
import io.fulmen.data.DataLoader;
import io.fulmen.data.DistributedShard;
import io.fulmen.runtime.config.BatchLimit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Fit's training data: one {@link DataLoader}, or a {@link CombinedLoader} over several (Lightning wraps both in a
 * {@code CombinedLoader}; Fulmen keeps the single loader's path as it was). {@code limit_train_batches} applies to
 * each loader, as in Lightning.
 */
final class TrainingData {
    private final DataLoader single;
    private final CombinedLoader combined;
    private long[] lengths;

    private TrainingData(DataLoader single, CombinedLoader combined) {
        this.single = single;
        this.combined = combined;
    }

    /** The combined loader when there is one, else the single loader; null when both are null. */
    static TrainingData of(CombinedLoader combined, DataLoader single) {
        if (combined != null) {
            return new TrainingData(null, combined);
        }
        return single == null ? null : new TrainingData(single, null);
    }

    /** The same data with shuffling off ({@code overfit_batches}); whether any loader shuffled is {@link #shuffles()}. */
    TrainingData withoutShuffle() {
        return map(DataLoader::withoutShuffle);
    }

    /** The same data with {@code change} applied to each loader (e.g. this rank's shard of it). */
    TrainingData map(UnaryOperator<DataLoader> change) {
        if (single != null) {
            return new TrainingData(change.apply(single), null);
        }
        List<DataLoader> plain = new ArrayList<>();
        combined.loaders().forEach(l -> plain.add(change.apply(l)));
        if (combined.names().isEmpty()) {
            return new TrainingData(null, CombinedLoader.of(plain, combined.mode()));
        }
        Map<String, DataLoader> named = new LinkedHashMap<>();
        for (int i = 0; i < plain.size(); i++) {
            named.put(combined.names().get(i), plain.get(i));
        }
        return new TrainingData(null, CombinedLoader.of(named, combined.mode()));
    }

    /** Whether any of the loaders shuffles. */
    boolean shuffles() {
        return single != null ? single.isShuffle() : combined.loaders().stream().anyMatch(DataLoader::isShuffle);
    }

    /** The single loader, or null for a combined one. */
    DataLoader single() {
        return single;
    }

    /** Batches per epoch after {@code limit}, which applies to each loader. */
    long numBatches(BatchLimit limit) {
        if (single != null) {
            return limit.of(single.numBatches(), "limit_train_batches");
        }
        lengths = new long[combined.loaders().size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = limit.of(combined.loaders().get(i).numBatches(), "limit_train_batches");
        }
        return combined.numBatches(lengths);
    }

    /** One epoch's batches from {@code first} on, at most {@code count}; {@link #numBatches} is called before. */
    Stream open(NDManager manager, int epoch, Long trainerSeed, long first, long count) {
        if (single != null) {
            long seed = shuffleSeed(single, trainerSeed, epoch);
            if (single.source() instanceof DistributedShard shard) {
                shard.epoch(seed);
            }
            BatchStream s = single.open(manager, seed, first, count);
            return new Stream() {
                @Override
                public boolean hasNext() {
                    return s.hasNext();
                }

                @Override
                public Batch next() {
                    return s.next();
                }

                @Override
                public void close() {
                    s.close();
                }
            };
        }
        for (DataLoader loader : combined.loaders()) {
            if (loader.source() instanceof DistributedShard shard) {
                shard.epoch(shuffleSeed(loader, trainerSeed, epoch));
            }
        }
        CombinedStream s = combined.open(manager, lengths, (loader, pass) -> shuffleSeed(
                combined.loaders().get((int) loader), trainerSeed, epoch * 1_000_003L + loader * 7919L + pass),
                first, count);
        return new Stream() {
            @Override
            public boolean hasNext() {
                return s.hasNext();
            }

            @Override
            public Batch next() {
                return s.next();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    /** The shuffle seed of an epoch: the loader's seed, else the Trainer's, else 0, mixed with the epoch. */
    static long shuffleSeed(DataLoader loader, Long trainerSeed, long epoch) {
        long base = loader.seed() != null ? loader.seed() : trainerSeed != null ? trainerSeed : 0L;
        long z = base + 0x9E3779B97F4A7C15L * (epoch + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }

    /** An epoch of training batches. */
    interface Stream extends Iterator<Batch>, AutoCloseable {
        @Override
        void close();
    }
}
