package io.fulmen.tensorboard;

import io.fulmen.logging.HparamsYaml;
import io.fulmen.logging.RunDirectory;
import io.fulmen.logging.VersionDirectories;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Logs to TensorBoard event files, as Lightning's {@code TensorBoardLogger}: events go to
 * {@code <rootDir>/<name>/version_N/events.out.tfevents.*} and hyperparameters also to {@code hparams.yaml} beside
 * them.
 *
 * <p>Metrics are written as {@code simple_value} scalars (every key, {@code epoch} included, as Lightning does);
 * hyperparameters as one hparams-plugin {@code session_start_info} event per {@link #logHyperparams} call (nested
 * maps flattened with {@code "/"}). Writing happens on a background thread with a bounded queue (see
 * {@link EventFileWriter}): a full queue blocks the training thread until the writer catches up; nothing is dropped.
 * The file is flushed every {@code flushSecs}, on {@link #save()} and on {@link #finish}, which closes it.
 *
 * <p>Versions are claimed as fulmen's CSV logger claims them: one more than the highest {@code version_*}
 * directory, created atomically, retried on a clash; lazily, on the first call that needs the directory.
 * Built with {@link Builder#runDirectory}, as {@code logger("tensorboard")} builds it unless it is given its own
 * name or version, the logger writes into the run's shared {@link RunDirectory} instead, beside the other loggers
 * and the checkpoints of the run; a run continued there by another Trainer adds a new event file to the folder,
 * and TensorBoard reads the folder's files as one run. All methods are thread-safe.
 */
public final class TensorBoardLogger implements ExperimentLogger {
    /** The experiment name used when none is given. */
    public static final String DEFAULT_NAME = RunDirectory.DEFAULT_NAME;
    /** The hyperparameters file in the version directory. */
    public static final String HPARAMS_FILE_NAME = "hparams.yaml";
    /** Seconds between flushes, when not configured (Lightning's {@code flush_secs}). */
    public static final double DEFAULT_FLUSH_SECS = 120;
    /** Events buffered before logging blocks, when not configured. */
    public static final int DEFAULT_MAX_QUEUE = 10_000;


    private final Path rootDir;
    private final String name;
    private final String fixedVersion;
    private final RunDirectory runDirectory;
    private final double flushSecs;
    private final int maxQueue;

    private Path versionDir;
    private String version;
    private TensorBoardWriter writer;
    private boolean finished;
    private final Map<String, Object> hparams = new LinkedHashMap<>();

    private TensorBoardLogger(Builder b) {
        this.rootDir = b.rootDir;
        this.runDirectory = b.runDirectory;
        this.name = runDirectory != null ? runDirectory.name() : b.name == null ? DEFAULT_NAME : b.name;
        this.fixedVersion = b.version;
        this.flushSecs = b.flushSecs;
        this.maxQueue = b.maxQueue;
    }

    /** A logger writing to {@code <rootDir>/fulmen_logs/version_N}. */
    public TensorBoardLogger(Path rootDir) {
        this(builder(rootDir));
    }

    /** Starts a logger configuration for {@code rootDir}. */
    public static Builder builder(Path rootDir) {
        return new Builder(rootDir);
    }

    @Override
    public String name() {
        return name;
    }

    /** The directory that holds the versions, {@code <rootDir>/<name>} (the run directory's, when in one). */
    public Path rootDir() {
        if (runDirectory != null) {
            return runDirectory.versionsDir();
        }
        return name.isEmpty() ? rootDir : rootDir.resolve(name);
    }

    @Override
    public synchronized String version() {
        claimVersionDir();
        return version;
    }

    @Override
    public synchronized Path logDir() {
        return claimVersionDir();
    }

    /** The shared run directory this logger writes into, when it was built with one. */
    @Override
    public Optional<RunDirectory> runDirectory() {
        return Optional.ofNullable(runDirectory);
    }

    /** Seconds between flushes. */
    public double flushSecs() {
        return flushSecs;
    }

    /** Events buffered before logging blocks. */
    public int maxQueue() {
        return maxQueue;
    }

    /** Merges {@code params} into {@code hparams.yaml} and writes an hparams {@code session_start_info} event. */
    @Override
    public void logHyperparams(Map<String, Object> params) {
        TensorBoardWriter w;
        Map<String, Object> all;
        synchronized (this) {
            w = writer();
            hparams.putAll(params);
            all = new LinkedHashMap<>(hparams);
            Path file = claimVersionDir().resolve(HPARAMS_FILE_NAME);
            writeAtomically(file, HparamsYaml.write(all));
        }
        double now = TensorBoardWriter.now();
        w.add(HParams.sessionStartInfo(all, now), 0, now);
    }

    /** One {@code simple_value} scalar per non-null metric, all at {@code step}. */
    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        TensorBoardWriter w;
        synchronized (this) {
            w = writer();
        }
        double now = TensorBoardWriter.now();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getValue() != null) {
                w.addScalar(e.getKey(), e.getValue(), step, now);
            }
        }
    }

    /** Writes and flushes everything logged so far. */
    @Override
    public void save() {
        TensorBoardWriter w;
        synchronized (this) {
            if (writer == null || finished) {
                return;
            }
            w = writer;
        }
        w.flush();
    }

    /** Flushes and closes the event file; idempotent. Later logging fails with {@link IllegalStateException}. */
    @Override
    public void finish(RunStatus status) {
        TensorBoardWriter w;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            w = writer;
        }
        if (w != null) {
            w.close();
        }
    }

    /** The {@link TensorBoardWriter} of this run (Lightning's {@code logger.experiment}); opens the event file. */
    @Override
    public synchronized TensorBoardWriter experiment() {
        return writer();
    }

    private TensorBoardWriter writer() {
        if (finished) {
            throw new IllegalStateException("the TensorBoard logger has finished: " + versionDir);
        }
        if (writer == null) {
            writer = TensorBoardWriter.open(claimVersionDir(), maxQueue, flushSecs);
        }
        return writer;
    }

    @Override
    public String toString() {
        return "TensorBoardLogger[" + rootDir() + ", " + (version == null ? "version not claimed" : version) + "]";
    }

    // ---------------------------------------------------------------- version directory

    private Path claimVersionDir() {
        if (versionDir == null) {
            if (runDirectory != null) {
                versionDir = runDirectory.path();
            } else {
                versionDir = fixedVersion != null ? VersionDirectories.use(rootDir(), fixedVersion)
                        : VersionDirectories.claimNext(rootDir());
            }
            version = versionDir.getFileName().toString();
        }
        return versionDir;
    }

    private static void writeAtomically(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Configures a {@link TensorBoardLogger}. */
    public static final class Builder {
        private final Path rootDir;
        private String name;
        private String version;
        private RunDirectory runDirectory;
        private double flushSecs = DEFAULT_FLUSH_SECS;
        private int maxQueue = DEFAULT_MAX_QUEUE;

        private Builder(Path rootDir) {
            this.rootDir = Objects.requireNonNull(rootDir, "rootDir");
        }

        /** The experiment name, a directory under the root; empty for none. Default {@code "fulmen_logs"}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Uses {@code version_<version>} instead of the next free number. */
        public Builder version(int version) {
            if (version < 0) {
                throw new IllegalArgumentException("version must be >= 0, got " + version);
            }
            this.version = "version_" + version;
            return this;
        }

        /** Uses {@code version} verbatim as the version directory's name; null for the next free number. */
        public Builder version(String version) {
            if (version != null && version.isBlank()) {
                throw new IllegalArgumentException("version must not be blank");
            }
            this.version = version;
            return this;
        }

        /**
         * Writes into {@code run}'s folder, shared with the other loggers and the checkpoints of the run, instead of
         * a version of this logger's own; the run directory then decides the folder, so {@link #name} and
         * {@link #version} cannot be set too.
         */
        public Builder runDirectory(RunDirectory run) {
            this.runDirectory = Objects.requireNonNull(run, "run");
            return this;
        }

        /** Seconds between flushes of the event file; 0 flushes after every event. Default 120. */
        public Builder flushSecs(double flushSecs) {
            if (!(flushSecs >= 0) || Double.isInfinite(flushSecs)) {
                throw new IllegalArgumentException("flush_secs must be >= 0, got " + flushSecs);
            }
            this.flushSecs = flushSecs;
            return this;
        }

        /** Events buffered before logging blocks; at least 1. Default 10,000. */
        public Builder maxQueue(int maxQueue) {
            if (maxQueue < 1) {
                throw new IllegalArgumentException("max_queue must be >= 1, got " + maxQueue);
            }
            this.maxQueue = maxQueue;
            return this;
        }

        /** The logger; fails when a run directory was given together with a name or a version. */
        public TensorBoardLogger build() {
            if (runDirectory != null && (name != null || version != null)) {
                throw new IllegalStateException("a TensorBoard logger in a run directory (" + runDirectory + ") "
                        + "takes its folder from it: set no name or version, or no run directory");
            }
            return new TensorBoardLogger(this);
        }
    }
}
