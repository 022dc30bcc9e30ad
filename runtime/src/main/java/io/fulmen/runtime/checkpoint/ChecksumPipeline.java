package io.fulmen.runtime.checkpoint;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Checksums tensor bytes on a second thread while the reading thread copies the next chunk from the file, so that
 * a load costs about one pass over memory instead of two. Chunks of one tensor are checksummed in the order they
 * are given; a mismatch is reported by {@link #check()} on the reading thread.
 *
 * <p>The worker reads the memory it is given until {@link #close()} returns: close the pipeline before freeing any
 * array whose bytes were passed in.
 */
final class ChecksumPipeline implements AutoCloseable {
    /** Below this many bytes a thread costs more than it saves. */
    static final long PARALLEL_MIN_BYTES = 16L << 20;

    private final ExecutorService worker;
    private CRC32C crc;
    private volatile CheckpointFormatException failure;

    /** A pipeline for {@code totalBytes} of tensors: on a worker thread when that pays, else inline. */
    ChecksumPipeline(long totalBytes) {
        boolean parallel = totalBytes >= PARALLEL_MIN_BYTES && Runtime.getRuntime().availableProcessors() > 1;
        this.worker = parallel ? Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "fulmen-checkpoint-crc");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    /** Starts a tensor's checksum. */
    void begin() {
        run(() -> crc = new CRC32C());
    }

    /** Adds the bytes between the chunk's position and limit; the buffer must not change until checked. */
    void update(ByteBuffer chunk) {
        run(() -> crc.update(chunk));
    }

    /** Ends a tensor's checksum; a mismatch with {@code expected} fails the pipeline with {@code error}. */
    void end(int expected, Supplier<CheckpointFormatException> error) {
        run(() -> {
            if ((int) crc.getValue() != expected && failure == null) {
                failure = error.get();
            }
        });
    }

    /** Throws the first mismatch found so far. */
    void check() {
        CheckpointFormatException found = failure;
        if (found != null) {
            throw found;
        }
    }

    /** Waits until every checksum given so far is computed, then throws the first mismatch. */
    void finish() {
        if (worker != null) {
            try {
                worker.submit(() -> { }).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking checksums", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        check();
    }

    private void run(Runnable task) {
        if (worker == null) {
            task.run();
        } else {
            worker.execute(task);
        }
    }

    /** Drops checksums not started yet and waits for the one running, so that no memory is read after this. */
    @Override
    public void close() {
        if (worker == null) {
            return;
        }
        worker.shutdownNow();
        boolean interrupted = false;
        while (true) {
            try {
                if (worker.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
