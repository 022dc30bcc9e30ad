package io.fulmen.tensorboard;

import io.fulmen.logging.HandOffQueue;
import io.fulmen.tensorboard.proto.Event;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Appends {@link Event}s to one event file from a background thread. {@link #add} only enqueues, without waking the
 * writer ({@link HandOffQueue}); when the bounded queue is full it blocks the caller until the writer catches up
 * (back-pressure, never a dropped event). The file is
 * flushed every {@code flushSecs}, on {@link #flush()} and on {@link #close()}. The first record is the
 * {@code file_version "brain.Event:2"} event. All methods are thread-safe.
 */
public final class EventFileWriter implements AutoCloseable {
    /** The {@code file_version} of the first record. */
    public static final String FILE_VERSION = "brain.Event:2";

    private static final System.Logger LOG = System.getLogger(EventFileWriter.class.getName());
    private static final AtomicInteger FILE_COUNTER = new AtomicInteger();
    private static final Object CLOSE = new Object();

    private final Path file;
    private final OutputStream out;
    private final HandOffQueue queue;
    private final long flushNanos;
    private final Thread thread;
    private volatile boolean closed;
    private volatile IOException failure;

    private record FlushRequest(CountDownLatch done) {}

    /** An event the writer thread builds, so the caller's thread neither builds protobufs nor formats anything. */
    private record Deferred(Supplier<Event> build) {}

    /**
     * Creates {@code events.out.tfevents.<secs>.<host>.<pid>.<n>} in {@code dir} and starts its writer thread.
     *
     * @param queueCapacity events buffered before {@link #add} blocks
     * @param flushSecs     seconds between flushes of the file; 0 flushes after every event
     */
    public EventFileWriter(Path dir, int queueCapacity, double flushSecs) {
        this(openFile(dir), queueCapacity, flushSecs);
    }

    private EventFileWriter(Opened opened, int queueCapacity, double flushSecs) {
        this(opened.file, opened.out, queueCapacity, flushSecs, System.currentTimeMillis() / 1000.0);
    }

    /** Writes to {@code out} (for tests); {@code file} may be null. */
    EventFileWriter(Path file, OutputStream out, int queueCapacity, double flushSecs, double wallTime) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1, got " + queueCapacity);
        }
        if (!(flushSecs >= 0)) {
            throw new IllegalArgumentException("flush_secs must be >= 0, got " + flushSecs);
        }
        this.file = file;
        this.out = out;
        this.queue = new HandOffQueue(queueCapacity);
        this.flushNanos = (long) (flushSecs * 1e9);
        // The file-version record is written before the thread starts, so it is always first.
        try {
            out.write(TfRecords.frame(Event.newBuilder().setWallTime(wallTime).setFileVersion(FILE_VERSION).build()
                    .toByteArray()));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + (file == null ? "the event file" : file), e);
        }
        this.thread = new Thread(this::run, "fulmen-tensorboard-writer" + (file == null ? "" : "-" + file.getFileName()));
        thread.setDaemon(true);
        queue.consumer(thread);
        thread.start();
    }

    private record Opened(Path file, OutputStream out) {}

    private static Opened openFile(Path dir) {
        try {
            Files.createDirectories(dir);
            String name = "events.out.tfevents." + (System.currentTimeMillis() / 1000) + "." + hostname() + "."
                    + ProcessHandle.current().pid() + "." + FILE_COUNTER.getAndIncrement();
            Path file = dir.resolve(name);
            OutputStream os = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new Opened(file, new BufferedOutputStream(os, 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an event file in " + dir, e);
        }
    }

    private static String hostname() {
        String host = null;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            String runtime = ManagementFactory.getRuntimeMXBean().getName(); // "pid@host"
            int at = runtime.indexOf('@');
            host = at >= 0 ? runtime.substring(at + 1) : null;
        }
        if (host == null || host.isBlank()) {
            host = "localhost";
        }
        return host.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The event file, or null when writing to a stream. */
    public Path file() {
        return file;
    }

    /** Enqueues {@code event}; blocks while the queue is full. */
    public void add(Event event) {
        ensureOpen();
        put(event, false);
    }

    /**
     * Enqueues an event that the writer thread builds with {@code build} (which must only read what it captured);
     * blocks while the queue is full.
     */
    public void add(Supplier<Event> build) {
        ensureOpen();
        put(new Deferred(build), false);
    }

    /** Writes every event added so far and flushes the file; rethrows a write failure of the writer thread. */
    public void flush() {
        ensureOpen();
        CountDownLatch done = new CountDownLatch(1);
        put(new FlushRequest(done), true);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while flushing " + file));
        }
        rethrowFailure();
    }

    /** Writes what is queued, flushes and closes the file. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(CLOSE, true);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        while (true) {
            try {
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

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the event writer is closed" + (file == null ? "" : ": " + file));
        }
    }

    private void put(Object item, boolean urgent) {
        try {
            queue.put(item, urgent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while queueing an event"));
        }
    }

    private void rethrowFailure() {
        IOException e = failure;
        if (e != null) {
            throw new UncheckedIOException("cannot write " + (file == null ? "the event file" : file), e);
        }
    }

    // ---------------------------------------------------------------- writer thread

    private void run() {
        long nextFlush = Long.MAX_VALUE;
        long lastItem = System.nanoTime();
        boolean dirty = false;
        while (true) {
            Object item;
            while ((item = queue.poll()) != null) {
                lastItem = System.nanoTime();
                if (item == CLOSE) {
                    flushQuietly();
                    closeQuietly();
                    return;
                }
                if (item instanceof FlushRequest f) {
                    flushQuietly();
                    dirty = false;
                    f.done().countDown();
                    continue;
                }
                if (failure == null) {
                    try {
                        Event event = item instanceof Deferred d ? d.build().get() : (Event) item;
                        out.write(TfRecords.frame(event.toByteArray()));
                    } catch (IOException e) {
                        fail(e);
                    }
                }
                if (flushNanos == 0) {
                    flushQuietly();
                } else if (!dirty) {
                    dirty = true;
                    nextFlush = lastItem + flushNanos;
                }
            }
            long now = System.nanoTime();
            if (dirty && now - nextFlush >= 0) {
                flushQuietly();
                dirty = false;
            }
            queue.awaitItems(dirty ? Math.max(0, nextFlush - now) : Long.MAX_VALUE, lastItem);
        }
    }

    private void flushQuietly() {
        if (failure == null) {
            try {
                out.flush();
            } catch (IOException e) {
                fail(e);
            }
        }
    }

    private void closeQuietly() {
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                fail(e);
            }
        }
    }

    private void fail(IOException e) {
        failure = e;
        LOG.log(System.Logger.Level.ERROR, "cannot write " + (file == null ? "the event file" : file)
                + "; later events are discarded", e);
    }
}
