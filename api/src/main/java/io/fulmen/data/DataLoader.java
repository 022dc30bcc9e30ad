package io.fulmen.data;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import org.apiguardian.api.API;

import java.util.Objects;

/**
 * Batches over a dataset, as PyTorch's {@code DataLoader}: batch size, shuffling (seeded; a new order every
 * epoch), {@code drop_last}, and background prefetching so the step does not wait for data. The Trainer opens it
 * once per epoch with {@link #open}; batches are created on a sub-manager of the Trainer's, closed after each step.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class DataLoader implements DataSource {
    private final BatchSource source;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final int prefetch;
    private final Long seed;

    private DataLoader(Builder b) {
        this.source = b.source;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
        this.seed = b.seed;
    }

    /** A loader over any DJL random-access dataset (records are read one by one, then stacked). */
    public static Builder of(RandomAccessDataset dataset) {
        return new Builder(new RandomAccessSource(Objects.requireNonNull(dataset, "dataset")));
    }

    /** A loader over a {@link BatchSource}, such as {@link TensorDataset}. */
    public static Builder of(BatchSource source) {
        return new Builder(Objects.requireNonNull(source, "source"));
    }

    public BatchSource source() {
        return source;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean isShuffle() {
        return shuffle;
    }

    public boolean isDropLast() {
        return dropLast;
    }

    public int prefetch() {
        return prefetch;
    }

    /** The loader's own shuffle seed, or null to take the Trainer's. */
    public Long seed() {
        return seed;
    }

    /** This loader with shuffling off (the same samples in their dataset order every epoch); else the same. */
    public DataLoader withoutShuffle() {
        if (!shuffle) {
            return this;
        }
        Builder b = new Builder(source).batchSize(batchSize).dropLast(dropLast).prefetch(prefetch);
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }

    /** Batches per epoch ({@code len(dataloader)}). */
    public long numBatches() {
        long n = source.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * Starts an epoch: batches in the order given by {@code shuffleSeed} (ignored without shuffling), from batch
     * {@code startBatch} on, at most {@code limit} of them (-1 for all).
     */
    public BatchStream open(NDManager manager, long shuffleSeed, long startBatch, long limit) {
        return new BatchStream(this, manager, shuffleSeed, startBatch, limit);
    }

    /** Builder with PyTorch's defaults: batch size 1, no shuffle, keep the last partial batch, prefetch 2. */
    public static final class Builder {
        private final BatchSource source;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private int prefetch = 2;
        private Long seed;

        Builder(BatchSource source) {
            this.source = source;
        }

        public Builder batchSize(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + value);
            }
            this.batchSize = value;
            return this;
        }

        public Builder shuffle(boolean value) {
            this.shuffle = value;
            return this;
        }

        public Builder dropLast(boolean value) {
            this.dropLast = value;
            return this;
        }

        /** Batches prepared ahead on a background thread; 0 loads on the training thread. */
        public Builder prefetch(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("prefetch must be >= 0, got " + value);
            }
            this.prefetch = value;
            return this;
        }

        /** A fixed shuffle seed for this loader; by default the Trainer's seed is used. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
