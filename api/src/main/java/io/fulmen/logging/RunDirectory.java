package io.fulmen.logging;

import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The one folder of a run that its loggers and its checkpoints share: {@code <rootDir>/fulmen_logs/version_N}
 * (Lightning's {@code version_N} layout). Each Trainer has one (loggers created by name get it through
 * {@link io.fulmen.spi.ProviderContext#runDirectory()}); a logger built by hand joins it through its builder.
 *
 * <p>The folder is claimed lazily and once: the first {@link #path()} claims the next free {@code version_N}
 * atomically ({@link VersionDirectories#claimNext}), and every later call returns the same folder. Before that,
 * {@link #resumeNewest} may instead adopt an existing version to continue it (how {@code ckpt_path="last"} finds
 * the checkpoints of an earlier Trainer). Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class RunDirectory {
    /** The folder of the versions when none is named: Lightning's {@code lightning_logs}, Fulmen's name. */
    public static final String DEFAULT_NAME = "fulmen_logs";

    private final Path versionsDir;
    private final String name;
    private Path path;

    private RunDirectory(Path versionsDir, String name) {
        this.versionsDir = versionsDir;
        this.name = name;
    }

    /** The run directory of {@code <rootDir>/fulmen_logs/version_N}; nothing is created yet. */
    public static RunDirectory under(Path rootDir) {
        return under(rootDir, DEFAULT_NAME);
    }

    /** The run directory of {@code <rootDir>/<name>/version_N} ({@code <rootDir>/version_N} for an empty name). */
    public static RunDirectory under(Path rootDir, String name) {
        Objects.requireNonNull(rootDir, "rootDir");
        Objects.requireNonNull(name, "name");
        return new RunDirectory(name.isEmpty() ? rootDir : rootDir.resolve(name), name);
    }

    /** The folder holding the versions, {@code <rootDir>/<name>}. */
    public Path versionsDir() {
        return versionsDir;
    }

    /** The experiment name: the versions folder's name under the root ({@code fulmen_logs} by default). */
    public String name() {
        return name;
    }

    /** Whether {@code dir} is this run's {@link #versionsDir()} (compared as absolute, normalized paths). */
    public boolean isVersionsDir(Path dir) {
        return absolute(versionsDir).equals(absolute(dir));
    }

    /** The run's folder, {@code <versionsDir>/version_N}: claimed (created) on the first call. */
    public synchronized Path path() {
        if (path == null) {
            path = VersionDirectories.claimNext(versionsDir);
        }
        return path;
    }

    /** {@code "version_N"}; claims the folder on the first call. */
    public synchronized String version() {
        return path().getFileName().toString();
    }

    /** Whether the folder is decided: claimed by {@link #path()} or adopted by {@link #resumeNewest}. */
    public synchronized boolean isClaimed() {
        return path != null;
    }

    /**
     * Before the folder is claimed, adopts the existing {@code version_N} with the highest N for which
     * {@code resumable} holds, so that this run continues it (loggers append there, checkpoints go there). Returns
     * the adopted folder; empty when the folder was already claimed or no version qualifies (the next
     * {@link #path()} then claims a new one as usual).
     */
    public synchronized Optional<Path> resumeNewest(Predicate<Path> resumable) {
        Objects.requireNonNull(resumable, "resumable");
        if (path != null) {
            return Optional.empty();
        }
        for (Path version : VersionDirectories.existing(versionsDir)) {
            if (resumable.test(version)) {
                path = version;
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }

    /** {@code RunDirectory[<versionsDir>, version_N]}, or "not claimed" before the folder is decided. */
    @Override
    public synchronized String toString() {
        return "RunDirectory[" + versionsDir + ", " + (path == null ? "not claimed" : path.getFileName()) + "]";
    }
}
