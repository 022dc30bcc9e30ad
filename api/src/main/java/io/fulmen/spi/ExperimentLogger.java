package io.fulmen.spi;

import io.fulmen.logging.RunDirectory;
import org.apiguardian.api.API;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where metrics and hyperparameters go (Lightning's {@code Logger}). Calls come from the training thread and must
 * return quickly: loggers that do I/O buffer and write in the background.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface ExperimentLogger {
    String name();

    /** The run's version, e.g. {@code "version_3"} or a run id. */
    String version();

    /** The local directory of this run's files, or null for a remote-only logger. */
    default Path logDir() {
        return null;
    }

    /**
     * The run directory this logger shares with the other loggers and the checkpoints of its run, when it writes
     * into one ({@link #logDir()} is then that directory's path); empty for a logger with a folder of its own. The
     * Trainer resumes {@code ckpt_path="last"} from an earlier version of the first logger's run directory.
     */
    default Optional<RunDirectory> runDirectory() {
        return Optional.empty();
    }

    void logHyperparams(Map<String, Object> params);

    /** Scalars at a step; the map is a snapshot the logger may keep. */
    void logMetrics(Map<String, Double> metrics, long step);

    /**
     * A checkpoint callback has written a file (Lightning's {@code after_save_checkpoint}). Called on the training
     * thread; loggers that upload checkpoints copy or link what they need and return.
     */
    default void afterSaveCheckpoint(CheckpointSaved checkpoint) {}

    /** The model summary table the Trainer printed at the start of fit, for loggers that keep it with the run. */
    default void logModelSummary(String summary) {}

    /** Makes logged data durable (called at checkpoints and epoch ends). */
    default void save() {}

    /** Called once when the run ends; flushes and releases resources. */
    default void finish(RunStatus status) {}

    /** The underlying writer or client, for what the SPI does not cover (Lightning's {@code logger.experiment}). */
    default Object experiment() {
        return this;
    }
}
