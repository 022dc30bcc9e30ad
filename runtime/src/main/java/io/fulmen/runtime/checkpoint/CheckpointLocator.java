package io.fulmen.runtime.checkpoint;

import io.fulmen.TrainerView;
import org.apiguardian.api.API;

import java.nio.file.Path;

/**
 * A callback that knows where its checkpoints are, so {@code ckptPath "last"} and {@code "best"} resolve through
 * it (ModelCheckpoint implements it).
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public interface CheckpointLocator {
    /** The newest "last" checkpoint, looking on disk when this run wrote none yet; null when there is none. */
    Path lastCheckpoint(TrainerView trainer);

    /** The best checkpoint by the monitored metric; null when there is none. */
    Path bestCheckpoint(TrainerView trainer);

    /** The folder searched for checkpoints, for messages. */
    Path checkpointDirectory(TrainerView trainer);

    /**
     * The newest "last" checkpoint this callback would find if the Trainer's log directory were {@code logDir} (an
     * earlier version of the run directory, which a Trainer resuming "last" may continue); null when there is none
     * there, or when the callback's folder does not follow the log directory (an explicit {@code dirpath}).
     */
    default Path lastCheckpointUnder(Path logDir) {
        return null;
    }
}
