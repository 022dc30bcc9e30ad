package io.fulmen.runtime;

import ai.djl.ndarray.NDManager;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.checkpoint.Checkpoint;
import io.fulmen.runtime.checkpoint.CheckpointLocator;
import io.fulmen.spi.Strategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which checkpoint file a call starts from and reading it (the resolving half of Lightning's
 * {@code _CheckpointConnector}): {@code last}/{@code best} come from the Trainer's checkpoint callback.
 */
final class CheckpointConnector {
    private CheckpointConnector() {}

    /** The file {@code ckpt} names; fails saying what is missing and what to pass instead. */
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
