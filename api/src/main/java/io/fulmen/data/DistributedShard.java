package io.fulmen.data;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Record;
import org.apiguardian.api.API;

import java.util.Objects;

/**
 * One rank's part of a dataset, with the semantics of PyTorch's {@code DistributedSampler}: the epoch's order
 * (identity, or a shuffle seeded per epoch) is padded by wrapping around to a multiple of the world size, and rank
 * {@code r} takes positions {@code r, r + world, r + 2 world, ...}. Every rank has the same number of samples; the
 * ranks' parts are disjoint except for the padding. Batches of {@code b} samples on {@code world} ranks cover the
 * samples of one batch of {@code b x world} in the unsharded order.
 *
 * <p>Not thread-safe: {@link #epoch} is called between epochs, never while a batch is gathered.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class DistributedShard implements BatchSource {
    private final BatchSource source;
    private final int rank;
    private final int worldSize;
    private final boolean shuffle;
    private long[] indices;

    /** The shard of {@code rank} among {@code worldSize} ranks of {@code source}, in order until {@link #epoch}. */
    public DistributedShard(BatchSource source, int rank, int worldSize, boolean shuffle) {
        this.source = Objects.requireNonNull(source, "source");
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is outside a world of " + worldSize);
        }
        this.rank = rank;
        this.worldSize = worldSize;
        this.shuffle = shuffle;
        epoch(0);
    }

    /**
     * A loader over this rank's shard of {@code loader}: its batch size, drop_last, prefetch and seed; the shard
     * shuffles (in {@link #epoch}), the loader itself no longer does.
     */
    public static DataLoader shard(DataLoader loader, int rank, int worldSize) {
        DataLoader.Builder b = DataLoader.of(new DistributedShard(loader.source(), rank, worldSize,
                loader.isShuffle())).batchSize(loader.batchSize()).dropLast(loader.isDropLast())
                .prefetch(loader.prefetch());
        if (loader.seed() != null) {
            b.seed(loader.seed());
        }
        return b.build();
    }

    /** Lightning's {@code set_epoch}: the order of the next epoch, shuffled from {@code shuffleSeed} if shuffling. */
    public void epoch(long shuffleSeed) {
        long[] order = BatchStream.order(source.size(), shuffle, shuffleSeed);
        int total = Math.toIntExact((order.length + worldSize - 1L) / worldSize * worldSize);
        long[] mine = new long[total / worldSize];
        for (int i = 0; i < mine.length && order.length > 0; i++) {
            mine[i] = order[(rank + i * worldSize) % order.length];
        }
        indices = order.length == 0 ? new long[0] : mine;
    }

    /** The sample indices of the underlying source, in this rank's order of the current epoch. */
    public long[] indices() {
        return indices.clone();
    }

    @Override
    public long size() {
        return indices.length;
    }

    @Override
    public Record gather(NDManager manager, long[] positions) {
        long[] mapped = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
            mapped[i] = indices[Math.toIntExact(positions[i])];
        }
        return source.gather(manager, mapped);
    }
}
