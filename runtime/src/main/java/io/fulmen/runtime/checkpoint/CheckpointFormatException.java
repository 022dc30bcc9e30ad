package io.fulmen.runtime.checkpoint;

import org.apiguardian.api.API;
import java.nio.file.Path;

/**
 * A file is not a valid Fulmen checkpoint: truncated, corrupt, written by a newer Fulmen, or not a checkpoint at
 * all. The message always starts with the file's path, then says what is wrong, e.g.
 * {@code /runs/last.ckpt: tensor 'model/01Linear_weight' is corrupt (CRC32C mismatch)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class CheckpointFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /** A problem with {@code file}, described by {@code problem} (without the path). */
    public CheckpointFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /** A problem with {@code file} found through {@code cause}. */
    public CheckpointFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** What is wrong with it, without the path. */
    public String problem() {
        return problem;
    }
}
