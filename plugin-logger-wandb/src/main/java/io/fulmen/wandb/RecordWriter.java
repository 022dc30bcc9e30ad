package io.fulmen.wandb;

import io.fulmen.wandb.proto.Record;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Appends records to a new {@code .wandb} file from a background thread, numbering them 1, 2, 3… in the order they
 * were added. {@link #add} only collects: the records go to the writer thread in batches of {@value #BATCH} (waking
 * it once per batch instead of once per record, which would take a core from training at every step), through a
 * bounded queue that blocks when full (nothing is dropped). The file reaches the operating system whenever a block
 * is complete, on {@link #flush()} and on {@link #close()} (which also forces it to the disk), so a killed process
 * leaves every record up to the last flush readable. Thread-safe.
 */
final class RecordWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RecordWriter.class.getName());
    private static final Object CLOSE = new Object();
    static final int BATCH = 64;

    private final Path file;
    private final FileChannel channel;
    private final BufferedOutputStream out;
    private final LogFraming framing;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private List<Record.Builder> batch = new ArrayList<>(BATCH);
    private long number;
    private long flushedBlock;
    private volatile boolean closed;
    private volatile IOException failure;

    private record FlushRequest(CountDownLatch done) {}

    /** Creates {@code file} (which must not exist, as W&amp;B's writer requires) and starts the writer thread. */
    RecordWriter(Path file, int queueCapacity) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1, got " + queueCapacity);
        }
        this.file = file;
        this.queue = new ArrayBlockingQueue<>(Math.max(2, queueCapacity / BATCH));
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            out = new BufferedOutputStream(Channels.newOutputStream(channel), LogFraming.BLOCK);
            framing = new LogFraming(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
        thread = new Thread(this::run, "fulmen-wandb-writer-" + file.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    Path file() {
        return file;
    }

    /** Adds a record; the writer sets its number. Blocks while the queue is full. */
    synchronized void add(Record.Builder record) {
        ensureOpen();
        batch.add(record);
        if (batch.size() >= BATCH) {
            handOver();
        }
    }

    /** Queues the collected records; under the lock, so that batches keep the order of their records. */
    private void handOver() {
        if (!batch.isEmpty()) {
            put(batch);
            batch = new ArrayList<>(BATCH);
        }
    }

    /** Writes every record added so far and hands the file to the operating system; rethrows a write failure. */
    void flush() {
        CountDownLatch done = new CountDownLatch(1);
        synchronized (this) {
            ensureOpen();
            handOver();
            put(new FlushRequest(done));
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while flushing " + file));
        }
        rethrowFailure();
    }

    /** Writes what is queued, forces the file to the disk and closes it. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            handOver();
            closed = true;
        }
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(CLOSE);
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrowFailure();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the W&B run file is closed: " + file);
        }
    }

    private void put(Object item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while queueing a record"));
        }
    }

    private void rethrowFailure() {
        IOException e = failure;
        if (e != null) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    // ---------------------------------------------------------------- writer thread

    private void run() {
        while (true) {
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                continue; // only close() ends this thread: producers may be blocked on the queue
            }
            if (item == CLOSE) {
                io(() -> {
                    out.flush();
                    channel.force(true);
                });
                try {
                    out.close();
                } catch (IOException e) {
                    fail(e);
                }
                return;
            }
            if (item instanceof FlushRequest f) {
                io(out::flush);
                f.done().countDown();
                continue;
            }
            @SuppressWarnings("unchecked")
            List<Record.Builder> records = (List<Record.Builder>) item;
            for (Record.Builder record : records) {
                io(() -> {
                    framing.append(record.setNum(++number).build().toByteArray());
                    if (framing.block() != flushedBlock) {
                        out.flush();
                        flushedBlock = framing.block();
                    }
                });
            }
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    private void io(Io action) {
        if (failure == null) {
            try {
                action.run();
            } catch (IOException e) {
                fail(e);
            }
        }
    }

    private void fail(IOException e) {
        if (failure == null) {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "cannot write " + file + "; later records are discarded", e);
        }
    }
}
