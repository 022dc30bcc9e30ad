package io.fulmen.runtime.logger;

import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a logger's file writes one after another on a thread of its own, so formatting and I/O stay off the training
 * thread. The thread starts with the first write and ends after a few idle seconds (a logger that is never finished
 * leaves no thread behind); it is a daemon, so it never keeps the JVM alive. The first failure is kept and thrown by
 * the next {@link #submit} or {@link #await}: a write error reaches the training thread one call later, never lost.
 */
final class SerialWriter {
    private static final long IDLE_SECONDS = 5;

    private final ThreadPoolExecutor executor;
    private Future<?> last;
    private volatile RuntimeException failure;

    SerialWriter(String threadName) {
        executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Queues {@code write} after every write queued before it; throws an earlier write's failure first. */
    synchronized void submit(Runnable write) {
        rethrow();
        last = executor.submit(() -> {
            if (failure != null) {
                return;
            }
            try {
                write.run();
            } catch (RuntimeException e) {
                failure = e;
            }
        });
    }

    /** Waits until every queued write has run; throws the first failure. */
    synchronized void await() {
        if (last != null) {
            boolean interrupted = false;
            while (true) {
                try {
                    last.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        rethrow();
    }

    private void rethrow() {
        RuntimeException found = failure;
        if (found != null) {
            throw found instanceof UncheckedIOException io ? new UncheckedIOException(io.getMessage(), io.getCause())
                    : new IllegalStateException(found.getMessage(), found);
        }
    }
}
