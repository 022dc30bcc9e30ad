package io.fulmen.runtime.logger;

import io.fulmen.logging.HandOffQueue;

import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a logger's file writes one after another on a thread of its own, so formatting and I/O stay off the training
 * thread, which only appends to a {@link HandOffQueue} (no wake-up per write). The thread starts with the first write
 * and ends after a few idle seconds (a logger that is never finished leaves no thread behind); it is a daemon, so it
 * never keeps the JVM alive. The first failure is kept and thrown by the next {@link #submit} or {@link #await}: a
 * write error reaches the training thread one call later, never lost.
 */
final class SerialWriter {
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String threadName;
    private final HandOffQueue queue = new HandOffQueue(Integer.MAX_VALUE);
    /** The writer thread while it runs; guarded by {@code this}, so that a write is never queued as it ends. */
    private Thread thread;
    private volatile RuntimeException failure;

    /** Marks the point {@link #await} waits for. */
    private record Barrier(CountDownLatch passed) {}

    SerialWriter(String threadName) {
        this.threadName = threadName;
    }

    /** Queues {@code write} after every write queued before it; throws an earlier write's failure first. */
    synchronized void submit(Runnable write) {
        rethrow();
        enqueue(write, false);
    }

    /** Waits until every queued write has run; throws the first failure. */
    void await() {
        CountDownLatch passed = new CountDownLatch(1);
        synchronized (this) {
            enqueue(new Barrier(passed), true);
        }
        boolean interrupted = false;
        while (true) {
            try {
                passed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    private void enqueue(Object item, boolean urgent) {
        if (thread == null) {
            thread = new Thread(this::run, threadName);
            thread.setDaemon(true);
            queue.consumer(thread);
            thread.start();
        }
        try {
            queue.put(item, urgent); // never blocks: the queue is unbounded
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a write", e);
        }
    }

    private void run() {
        long lastItem = System.nanoTime();
        while (true) {
            Object item;
            while ((item = queue.poll()) != null) {
                lastItem = System.nanoTime();
                if (item instanceof Barrier b) {
                    b.passed().countDown();
                } else if (failure == null) {
                    try {
                        ((Runnable) item).run();
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
            }
            long idle = System.nanoTime() - lastItem;
            if (idle >= IDLE_NANOS) {
                synchronized (this) { // writes are queued under this lock: none can slip in as the thread ends
                    if (queue.isEmpty()) {
                        thread = null;
                        return;
                    }
                }
                continue;
            }
            queue.awaitItems(IDLE_NANOS - idle, lastItem);
        }
    }

    private void rethrow() {
        RuntimeException found = failure;
        if (found != null) {
            throw found instanceof UncheckedIOException io ? new UncheckedIOException(io.getMessage(), io.getCause())
                    : new IllegalStateException(found.getMessage(), found);
        }
    }
}
