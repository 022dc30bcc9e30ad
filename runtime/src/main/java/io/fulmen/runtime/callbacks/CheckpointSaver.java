package io.fulmen.runtime.callbacks;

import io.fulmen.TrainerView;
import io.fulmen.pyformat.PyFormatSpec;
import io.fulmen.pyformat.PyRepr;
import io.fulmen.spi.CheckpointSaved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How {@link ModelCheckpoint} saves once a trigger fired: Lightning's {@code _save_topk_checkpoint},
 * {@code _save_monitor_checkpoint}, {@code _save_none_monitor_checkpoint}, {@code _update_best_and_save},
 * {@code _save_last_checkpoint} and {@code _save_checkpoint}. It names the file ({@link CheckpointFilenames}),
 * updates the top-k bookkeeping ({@link TopKCheckpoints}), writes through the Trainer, removes the file it replaced
 * ({@link CheckpointFiles}) and tells the loggers.
 */
final class CheckpointSaver {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);

    private final String monitor;
    private final String mode;
    private final boolean verbose;
    private final SaveLast saveLast;
    private final int saveTopK;
    private final boolean saveWeightsOnly;
    private final CheckpointFiles files;
    private final CheckpointFilenames filenames;
    private final TopKCheckpoints topK;

    private long lastGlobalStepSaved; // 0: nothing to save before the first step
    private String lastCheckpointSaved = "";
    private final Set<String> warned = new HashSet<>();

    /** Takes the (validated) arguments it needs from {@code config}. */
    CheckpointSaver(ModelCheckpointBuilder config, CheckpointFiles files, CheckpointFilenames filenames,
                    TopKCheckpoints topK) {
        this.monitor = config.monitor;
        this.mode = config.mode;
        this.verbose = config.verbose;
        this.saveLast = config.saveLast;
        this.saveTopK = config.saveTopK;
        this.saveWeightsOnly = config.saveWeightsOnly;
        this.files = files;
        this.filenames = filenames;
        this.topK = topK;
    }

    /** The global step of the latest save (0 before the first). */
    long lastGlobalStepSaved() {
        return lastGlobalStepSaved;
    }

    /**
     * A monitored metric missing from {@code candidates} fails when {@code valLoopHasRun}, else warns once and skips
     * the save.
     */
    void saveTopkCheckpoint(TrainerView trainer, Map<String, Number> candidates, boolean valLoopHasRun) {
        if (saveTopK == 0) {
            return;
        }
        if (monitor != null) {
            if (!candidates.containsKey(monitor)) {
                String m = "`ModelCheckpoint(monitor=" + PyRepr.repr(monitor) + ")` could not find the monitored key in"
                        + " the returned metrics: " + PyRepr.repr(candidates.keySet()) + ". HINT: Did you call `log("
                        + PyRepr.repr(monitor) + ", value)` in the `LightningModule`?";
                if (valLoopHasRun) {
                    throw new IllegalStateException(m);
                }
                if (warned.add(m)) {
                    LOG.warn(m);
                }
            }
            saveMonitorCheckpoint(trainer, candidates);
        } else {
            saveNoneMonitorCheckpoint(trainer, candidates);
        }
    }

    private void saveMonitorCheckpoint(TrainerView trainer, Map<String, Number> candidates) {
        Number value = candidates.get(monitor);
        Double current = value == null ? null : value.doubleValue();
        if (topK.accepts(current)) {
            updateBestAndSave(current, trainer, candidates);
        } else if (verbose) {
            LOG.info("Epoch {}, global step {}: {} was not in top {}", candidates.get("epoch"),
                    candidates.get("step"), PyRepr.repr(monitor), saveTopK);
        }
    }

    private void saveNoneMonitorCheckpoint(TrainerView trainer, Map<String, Number> candidates) {
        String filepath = filenames.next(candidates, null, topK.bestModelPath());
        // set the best model path before saving because it will be part of the state
        String previous = topK.replaceBest(filepath);
        saveCheckpoint(trainer, filepath);
        if (saveTopK == 1) {
            files.removeReplaced(trainer, previous, filepath);
        }
    }

    /** {@code _update_best_and_save}. */
    private void updateBestAndSave(double current, TrainerView trainer, Map<String, Number> candidates) {
        TopKCheckpoints.Update update = topK.update(current, replaced -> filenames.next(candidates, null, replaced));
        if (verbose) {
            LOG.info("Epoch {}, global step {}: {} reached {} (best {}), saving model to {} as top {}",
                    candidates.get("epoch"), candidates.get("step"), PyRepr.repr(monitor),
                    PyFormatSpec.format(topK.currentScore(), "0.5f"),
                    PyFormatSpec.format(topK.bestModelScore(), "0.5f"), PyRepr.repr(update.filepath()), update.k());
        }
        saveCheckpoint(trainer, update.filepath());
        files.removeReplaced(trainer, update.replaced(), update.filepath());
    }

    void saveLastCheckpoint(TrainerView trainer, Map<String, Number> candidates) {
        if (saveLast == SaveLast.OFF) {
            return;
        }
        String filepath = filenames.next(candidates, ModelCheckpoint.CHECKPOINT_NAME_LAST, topK.lastModelPath());
        // set the last model path before saving because it will be part of the state
        String previous = topK.replaceLast(filepath);
        // Lightning links even when the latest save was last.ckpt itself, which leaves a link to itself (fixed in
        // Lightning 2.6): a full copy is written then.
        if (saveLast == SaveLast.LINK && !lastCheckpointSaved.isEmpty() && saveTopK != 0
                && !lastCheckpointSaved.equals(filepath)) {
            CheckpointFiles.link(trainer, lastCheckpointSaved, filepath);
        } else {
            saveCheckpoint(trainer, filepath);
        }
        files.removeReplaced(trainer, previous, filepath);
    }

    private void saveCheckpoint(TrainerView trainer, String filepath) {
        Path file = Path.of(filepath);
        CheckpointFiles.createParentDirectories(trainer, file);
        trainer.saveCheckpoint(file, saveWeightsOnly);
        lastGlobalStepSaved = trainer.globalStep();
        lastCheckpointSaved = filepath;
        if (trainer.globalRank() == 0) {
            CheckpointSaved saved = topK.savedEvent(file, monitor, mode, saveLast != SaveLast.OFF, saveWeightsOnly);
            trainer.loggers().forEach(l -> l.afterSaveCheckpoint(saved));
        }
    }
}
