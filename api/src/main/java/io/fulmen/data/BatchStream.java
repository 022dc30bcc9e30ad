package io.fulmen.data;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import ai.djl.translate.Batchifier;
import org.apiguardian.api.API;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One epoch of batches from a {@link DataLoader}. With prefetching, a background thread builds batches ahead into
 * a bounded queue; {@link #close()} stops it and frees batches not consumed. The caller closes each batch it takes.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class BatchStream implements Iterator<Batch>, AutoCloseable {
    private static final Object END = new Object();

    private final DataLoader loader;
    private final NDManager manager;
    private final long[] order;
    private final long firstBatch;
    private final long endBatch;
    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private volatile boolean closed;
    private long nextBatch;
    private Object pending;

    BatchStream(DataLoader loader, NDManager manager, long shuffleSeed, long startBatch, long limit) {
        this.loader = loader;
        this.manager = manager;
        this.order = order(loader.source().size(), loader.isShuffle(), shuffleSeed);
        long total = loader.numBatches();
        this.firstBatch = Math.min(Math.max(0, startBatch), total);
        this.endBatch = limit < 0 ? total : Math.min(total, firstBatch + limit);
        this.nextBatch = firstBatch;
        if (loader.prefetch() > 0 && endBatch > firstBatch) {
            queue = new ArrayBlockingQueue<>(loader.prefetch());
            producer = new Thread(this::produce, "fulmen-dataloader");
            producer.setDaemon(true);
            producer.start();
        } else {
            queue = null;
            producer = null;
        }
    }

    /** The sample order of an epoch: identity, or a Fisher–Yates shuffle seeded by {@code seed}. */
    static long[] order(long size, boolean shuffle, long seed) {
        long[] order = new long[Math.toIntExact(size)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                long t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** Index of the first batch this stream yields within the epoch. */
    public long firstBatchIndex() {
        return firstBatch;
    }

    /** How many batches this stream yields in all. */
    public long length() {
        return endBatch - firstBatch;
    }

    private Batch build(long batchIndex) {
        int bs = loader.batchSize();
        int from = Math.toIntExact(batchIndex * bs);
        int to = Math.min(order.length, from + bs);
        long[] idx = new long[to - from];
        System.arraycopy(order, from, idx, 0, idx.length);
        NDManager batchManager = manager.newSubManager();
        try {
            Record r = loader.source().gather(batchManager, idx);
            return new Batch(batchManager, r.getData(), r.getLabels(), idx.length, Batchifier.STACK, Batchifier.STACK,
                    batchIndex, loader.numBatches());
        } catch (RuntimeException | Error e) {
            batchManager.close();
            throw e;
        }
    }

    private void produce() {
        try {
            for (long b = firstBatch; b < endBatch && !closed; b++) {
                Batch batch = build(b);
                if (!offer(batch)) {
                    batch.close();
                    return;
                }
            }
            offer(END);
        } catch (Throwable t) {
            offer(t);
        }
    }

    private boolean offer(Object item) {
        try {
            while (!closed) {
                if (queue.offer(item, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (queue == null) {
            return nextBatch < endBatch;
        }
        if (pending == null) {
            try {
                pending = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
        }
        if (pending instanceof Throwable t) {
            pending = END;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("loading a batch failed: " + t, t);
        }
        return pending != END;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches in this epoch");
        }
        if (queue == null) {
            return build(nextBatch++);
        }
        Batch b = (Batch) pending;
        pending = null;
        nextBatch++;
        return b;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (producer != null) {
            producer.interrupt();
            try {
                producer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (pending instanceof Batch b) {
                b.close();
            }
            Object o;
            while ((o = queue.poll()) != null) {
                if (o instanceof Batch b) {
                    b.close();
                }
            }
        }
    }
}
