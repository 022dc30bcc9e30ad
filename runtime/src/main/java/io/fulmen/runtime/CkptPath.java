package io.fulmen.runtime;

import org.apiguardian.api.API;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Which checkpoint a call starts from (Lightning's {@code ckpt_path}): {@link #LAST} or {@link #BEST} of the
 * Trainer's checkpoint callback, or a file.
 */
@API(status = API.Status.MAINTAINED, since = "0.2.0")
public final class CkptPath {
    /** The newest "last" checkpoint of the Trainer's ModelCheckpoint (Lightning's {@code "last"}). */
    public static final CkptPath LAST = new CkptPath("last", null);
    /** The best checkpoint by the ModelCheckpoint's monitored metric (Lightning's {@code "best"}). */
    public static final CkptPath BEST = new CkptPath("best", null);

    private final String name;
    private final Path file;

    private CkptPath(String name, Path file) {
        this.name = name;
        this.file = file;
    }

    /** A checkpoint file. */
    public static CkptPath of(Path file) {
        return new CkptPath(null, Objects.requireNonNull(file, "file"));
    }

    /** Reads a command-line value: {@code "last"}, {@code "best"}, or a path. */
    public static CkptPath parse(String value) {
        String key = Objects.requireNonNull(value, "ckpt_path").trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "last" -> LAST;
            case "best" -> BEST;
            default -> of(Path.of(value.trim()));
        };
    }

    /** The file, or null for {@link #LAST} and {@link #BEST}. */
    public Path file() {
        return file;
    }

    /** {@code "last"} or {@code "best"}, or null for a file. */
    String symbolicName() {
        return name;
    }

    @Override
    public String toString() {
        return name != null ? name : file.toString();
    }
}
