package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.logging.RunDirectory;
import io.fulmen.runtime.checkpoint.Checkpoint;
import io.fulmen.runtime.checkpoint.CheckpointLocator;
import io.fulmen.runtime.checkpoint.SavedWeights;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.Strategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which checkpoint file a call starts from and reading it (the resolving half of Lightning's
 * {@code _CheckpointConnector}): {@code last}/{@code best} come from the Trainer's checkpoint callback.
 *
 * <p>{@code last} also continues a run across Trainers: when the checkpoints follow the first logger's shared
 * {@link RunDirectory} and this Trainer has not claimed its folder yet, the newest earlier {@code version_N} holding
 * a last checkpoint becomes this run's folder, so the loggers and the checkpoints carry on there.
 */
final class CheckpointConnector {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointConnector.class);

    private CheckpointConnector() {}

    /**
     * The file {@code ckpt} names; fails saying what is missing and what to pass instead. {@code last} with no last
     * checkpoint yet is no error, as in Lightning (the auto-resume idiom): it warns, naming the folder searched, and
     * returns null so that the call starts from the module as it is (in a new version of the run directory).
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
                Optional<RunDirectory> earlier = ckpt == CkptPath.LAST ? unclaimedRunDirectory(view)
                        : Optional.empty();
                earlier.ifPresent(run -> run.resumeNewest(dir -> locator.lastCheckpointUnder(dir) != null)
                        .ifPresent(dir -> LOG.info("ckpt_path=\"last\": continuing the run in {}", dir)));
                Path p = ckpt == CkptPath.LAST ? locator.lastCheckpoint(view) : locator.bestCheckpoint(view);
                if (p != null) {
                    return p;
                }
                if (ckpt == CkptPath.LAST) {
                    LOG.warn("ckpt_path=\"last\" is set, but there is no last checkpoint in {}: no checkpoint is "
                            + "loaded, the call starts from the module as it is. HINT: ModelCheckpoint.builder()"
                            + ".saveLast(true) writes one", searched(locator, view, earlier));
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
     * The run directory the checkpoints follow (the first logger with a folder shares one) when its folder is not
     * decided yet: only then may an earlier version be continued.
     */
    private static Optional<RunDirectory> unclaimedRunDirectory(TrainerView view) {
        for (ExperimentLogger logger : view.loggers()) {
            Optional<RunDirectory> run = logger.runDirectory();
            if (run.isPresent()) {
                return run.filter(r -> !r.isClaimed());
            }
            if (logger.logDir() != null) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The folder searched, for the warning: every version's checkpoint folder when earlier versions were searched. */
    private static String searched(CheckpointLocator locator, TrainerView view, Optional<RunDirectory> earlier) {
        Path dir = locator.checkpointDirectory(view);
        if (earlier.isPresent()) {
            Path run = earlier.get().path().toAbsolutePath();
            if (dir.startsWith(run)) {
                return run.resolveSibling("version_*").resolve(run.relativize(dir)) + " (a new version starts: "
                        + run.getFileName() + ")";
            }
        }
        return dir.toString();
    }

    /**
     * Reads {@code file} into {@code manager} through the strategy's checkpoint I/O; an unreadable or corrupt file
     * fails naming it and the problem.
     */
    static Checkpoint read(Strategy strategy, Path file, NDManager manager) {
        return Checkpoint.of(strategy.loadCheckpoint(file, manager));
    }

    /**
     * As {@link #read(Strategy, Path, NDManager)}, reading the saved values of {@code module}'s created parameters
     * straight into them where the checkpoint I/O can (Fulmen's own does; the checkpoint then holds those very
     * arrays): a resume or weights load then copies each parameter once, from the file, instead of twice. On
     * failure those parameters may hold part of the file's values.
     */
    static Checkpoint read(Strategy strategy, Path file, NDManager manager, LightningModule module) {
        Map<String, NDArray> into = new HashMap<>();
        for (Pair<String, Parameter> named : module.block().getParameters()) {
            if (named.getValue().isInitialized()) {
                into.put(SavedWeights.MODEL + named.getKey(), named.getValue().getArray());
            }
        }
        return Checkpoint.of(strategy.loadCheckpoint(file, manager, into));
    }
}
