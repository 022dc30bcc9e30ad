package io.fulmen.data;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongBinaryOperator;

/**
 * One epoch of a {@link CombinedLoader}: {@link CombinedBatch}es, or the loaders' own batches one loader after the
 * other in {@code sequential} mode. Each loader is read through its own {@link BatchStream}; {@link #close()}
 * closes them. The caller closes each batch it takes.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class CombinedStream implements Iterator<Batch>, AutoCloseable {
    private final CombinedLoader loader;
    private final NDManager manager;
    private final long[] lengths;
    private final LongBinaryOperator seeds;
    private final long total;
    private final long end;
    private final BatchStream[] streams;
    private final long[] passes;
    private long next;
    private int lastLoader;
    private boolean closed;

    CombinedStream(CombinedLoader loader, NDManager manager, long[] lengths, LongBinaryOperator seeds,
                   long startBatch, long limit) {
        this.loader = loader;
        this.manager = manager;
        this.lengths = lengths;
        this.seeds = seeds;
        this.total = loader.numBatches(lengths);
        this.next = Math.min(Math.max(0, startBatch), total);
        this.end = limit < 0 ? total : Math.min(total, next + limit);
        this.streams = new BatchStream[lengths.length];
        this.passes = new long[lengths.length];
    }

    /** How many batches this stream yields in all. */
    public long length() {
        return end - next;
    }

    /** The loader the last batch came from: its index in {@code sequential} mode, else 0. */
    public int lastDataloaderIdx() {
        return lastLoader;
    }

    @Override
    public boolean hasNext() {
        return !closed && next < end;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more combined batches in this epoch");
        }
        long k = next++;
        if (loader.mode() == CombinedLoader.Mode.SEQUENTIAL) {
            return sequential(k);
        }
        List<Batch> parts = new ArrayList<>(lengths.length);
        try {
            for (int i = 0; i < lengths.length; i++) {
                parts.add(part(i, k));
            }
            return new CombinedBatch(manager.newSubManager(), loader.nameList(), parts, k, total);
        } catch (RuntimeException | Error e) {
            for (Batch b : parts) {
                if (b != null) {
                    b.close();
                }
            }
            throw e;
        }
    }

    private Batch sequential(long k) {
        long offset = k;
        for (int i = 0; i < lengths.length; i++) {
            if (offset < lengths[i]) {
                lastLoader = i;
                return batchOf(i, 0, offset);
            }
            offset -= lengths[i];
            closeStream(i);
        }
        throw new IllegalStateException("combined batch " + k + " is past the end (" + total + ")");
    }

    /** Loader {@code i}'s batch at combined position {@code k}, or null when it has none there. */
    private Batch part(int i, long k) {
        long length = lengths[i];
        if (length == 0 || k >= length && loader.mode() != CombinedLoader.Mode.MAX_SIZE_CYCLE) {
            closeStream(i);
            return null;
        }
        return batchOf(i, k / length, k % length);
    }

    private Batch batchOf(int i, long pass, long offset) {
        if (streams[i] == null || passes[i] != pass || !streams[i].hasNext()) {
            closeStream(i);
            streams[i] = loader.loaders().get(i).open(manager, seeds.applyAsLong(i, pass), offset,
                    lengths[i] - offset);
            passes[i] = pass;
        }
        return streams[i].next();
    }

    private void closeStream(int i) {
        if (streams[i] != null) {
            streams[i].close();
            streams[i] = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < streams.length; i++) {
            closeStream(i);
        }
    }
}
