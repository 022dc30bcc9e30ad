package io.fulmen.runtime;

import ai.djl.ndarray.NDManager;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.checkpoint.Checkpoint;
import io.fulmen.runtime.checkpoint.CheckpointLocator;
import io.fulmen.spi.Strategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which checkpoint file a call starts from and reading it (the resolving half of Lightning's
 * {@code _CheckpointConnector}): {@code last}/{@code best} come from the Trainer's checkpoint callback.
 */
final class CheckpointConnector {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointConnector.class);

    private CheckpointConnector() {}

    /**
     * The file {@code ckpt} names; fails saying what is missing and what to pass instead. {@code last} with no last
     * checkpoint yet is no error, as in Lightning (the auto-resume idiom): it warns, naming the folder searched, and
     * returns null so that the call starts from the module as it is.
     */
    static Path resolve(CkptPath ckpt, List<Callback> callbacks, TrainerView view) {
        String key = ckpt.symbolicName();
        if (key == null) {
            Path p = ckpt.file();
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("checkpoint " + p.toAbsolutePath() + " does not exist or is not "
                        + "a file");
            }
            return p;
        }
        for (Callback c : callbacks) {
            if (c instanceof CheckpointLocator locator) {
                Path p = ckpt == CkptPath.LAST ? locator.lastCheckpoint(view) : locator.bestCheckpoint(view);
                if (p != null) {
                    return p;
                }
                if (ckpt == CkptPath.LAST) {
                    LOG.warn("ckpt_path=\"last\" is set, but there is no last checkpoint in {}: no checkpoint is "
                            + "loaded, the call starts from the module as it is. HINT: ModelCheckpoint.builder()"
                            + ".saveLast(true) writes one", locator.checkpointDirectory(view));
                    return null;
                }
                throw new IllegalArgumentException("ckpt_path=\"" + key + "\": no " + key + " checkpoint "
                        + "was found by " + c.getClass().getSimpleName());
            }
        }
        throw new IllegalArgumentException("ckpt_path=\"" + key + "\" needs a ModelCheckpoint callback on the "
                + "Trainer; pass the checkpoint's path instead");
    }

    /**
     * Reads {@code file} into {@code manager} through the strategy's checkpoint I/O; an unreadable or corrupt file
     * fails naming it and the problem.
     */
    static Checkpoint read(Strategy strategy, Path file, NDManager manager) {
        return Checkpoint.of(strategy.loadCheckpoint(file, manager));
    }
}
