package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fulmen.spi.CheckpointData;
import io.fulmen.spi.CheckpointIO;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes checkpoints in a background thread so training goes on while they reach the disk (Lightning's
 * {@code AsyncCheckpointIO}), through another I/O that does the writing ({@link FulmenCheckpointIO} by default).
 *
 * <p>A save copies the tensors before it returns (training then changes the originals) and queues the write; saves
 * and removals run in the order they were issued, so a file is removed only after the saves before it completed,
 * and since every write is atomic a crash at any moment leaves the last completed checkpoint intact. At most one
 * save waits in the queue: a save issued while another is still writing first waits for it, which bounds the extra
 * memory to one copy of the checkpoint. A failed background operation is rethrown by the next call, by
 * {@link #flush()} (the Trainer flushes at the end of every fit/validate/test/predict call) or by
 * {@link #teardown()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class AsyncCheckpointIO implements CheckpointIO {
    private final CheckpointIO writer;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fulmen-checkpoint-writer");
        t.setDaemon(true);
        return t;
    });
    private Future<?> pendingSave = CompletableFuture.completedFuture(null);
    private Future<?> last = CompletableFuture.completedFuture(null);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Writes in Fulmen's format. */
    public AsyncCheckpointIO() {
        this(new FulmenCheckpointIO());
    }

    /** Writes through {@code writer}, in the background. */
    public AsyncCheckpointIO(CheckpointIO writer) {
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    @Override
    public synchronized void save(CheckpointData checkpoint, Path file) {
        await(pendingSave);
        rethrowFailure();
        NDManager copies = copiesManager(checkpoint);
        try {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            checkpoint.tensors().forEach((name, array) -> {
                NDArray copy = array.duplicate();
                copy.attach(copies);
                tensors.put(name, copy);
            });
            CheckpointData snapshot = new CheckpointData(checkpoint.manifestJson(), tensors);
            pendingSave = submit(() -> {
                try (copies) {
                    writer.save(snapshot, file);
                }
            });
        } catch (RuntimeException | Error e) {
            copies.close();
            throw e;
        }
    }

    private static NDManager copiesManager(CheckpointData checkpoint) {
        NDArray any = checkpoint.tensors().values().stream().findFirst().orElse(null);
        NDManager m = any == null ? NDManager.newBaseManager()
                : NDManager.newBaseManager(any.getDevice(), any.getManager().getEngine().getEngineName());
        m.setName("fulmen-async-checkpoint");
        return m;
    }

    @Override
    public CheckpointData load(Path file, NDManager manager) {
        flush();
        return writer.load(file, manager);
    }

    @Override
    public CheckpointData load(Path file, NDManager manager, Map<String, NDArray> into) {
        flush();
        return writer.load(file, manager, into);
    }

    @Override
    public synchronized void remove(Path file) {
        rethrowFailure();
        submit(() -> writer.remove(file));
    }

    private Future<?> submit(Runnable operation) {
        last = executor.submit(() -> {
            try {
                operation.run();
            } catch (RuntimeException | Error e) {
                recordFailure(e);
            }
        });
        return last;
    }

    private void recordFailure(Throwable e) {
        while (true) {
            Throwable earlier = failure.get();
            if (earlier != null) {
                earlier.addSuppressed(e);
                return;
            }
            if (failure.compareAndSet(null, e)) {
                return;
            }
        }
    }

    @Override
    public void flush() {
        Future<?> waitFor;
        synchronized (this) {
            waitFor = last;
        }
        await(waitFor);
        rethrowFailure();
    }

    private void rethrowFailure() {
        Throwable f = failure.getAndSet(null);
        if (f != null) {
            throw new IllegalStateException("a checkpoint written in the background failed: " + f.getMessage(), f);
        }
    }

    private static void await(Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a checkpoint write", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a checkpoint write failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void teardown() {
        try {
            flush();
        } finally {
            executor.shutdown();
            writer.teardown();
        }
    }

    @Override
    public String toString() {
        return "AsyncCheckpointIO[" + writer + "]";
    }
}
