package io.fulmen.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes, reads and removes checkpoint files (Lightning's {@code CheckpointIO}); a {@link Strategy} owns one and
 * is the only caller. Implementations must keep the crash guarantee of Fulmen's own format: a save is atomic (a
 * reader sees the old file or the new one, never a part), and a save or removal issued after another takes effect
 * after it, so a crash at any moment leaves the last completed checkpoint intact and loadable.
 *
 * <p>Errors are unchecked ({@link java.io.UncheckedIOException}, or the format's own exception) and name the file.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface CheckpointIO {
    /**
     * Stores {@code checkpoint} at {@code file}, creating missing folders. The tensors may change as soon as this
     * returns: an implementation that writes later copies them first.
     */
    void save(CheckpointData checkpoint, Path file);

    /** Reads the checkpoint at {@code file}, its tensors created on {@code manager}. Pending saves complete first. */
    CheckpointData load(Path file, NDManager manager);

    /**
     * Reads the checkpoint at {@code file}, filling the arrays of {@code into} in place where it can: a tensor named
     * by a key of {@code into}, of that array's data type and shape, may be read into that array (the returned data
     * then holds that very array), any other is created on {@code manager}. Resuming a built model this way spares a
     * second copy of its parameters. On failure the arrays of {@code into} may hold part of the file's data. The
     * default ignores {@code into}.
     */
    default CheckpointData load(Path file, NDManager manager, Map<String, NDArray> into) {
        return load(file, manager);
    }

    /** Removes the checkpoint at {@code file} (a no-op when it does not exist), after the saves issued before. */
    void remove(Path file);

    /** Waits until every save and removal issued so far took effect; rethrows the first one that failed. */
    default void flush() {}

    /** Flushes and frees what this I/O holds (threads, buffers). */
    default void teardown() {
        flush();
    }
}
