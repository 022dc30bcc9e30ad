package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.pyformat.PyRepr;
import io.fulmen.pyformat.PyTimedelta;
import io.fulmen.runtime.checkpoint.CheckpointLocator;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Saves checkpoints of the running fit periodically, keeping the best {@code k} by a monitored metric: Lightning
 * 2.2's {@code ModelCheckpoint} ({@code lightning/pytorch/callbacks/model_checkpoint.py}), with its arguments,
 * defaults, file names, top-k bookkeeping, messages and checkpoint state.
 *
 * <pre>{@code
 * ModelCheckpoint.builder()
 *         .monitor("val_loss").mode("min").saveTopK(2)
 *         .filename("{epoch:02d}-{val_loss:.2f}")   // -> epoch=03-val_loss=0.30.ckpt
 *         .saveLast(true)                            // -> last.ckpt after every save
 *         .build()
 * }</pre>
 *
 * <p><b>Where.</b>
 * {@link ModelCheckpointBuilder#dirpath(Path) dirpath}, made absolute with symbolic links resolved (Lightning's
 * {@code os.path.realpath}); by default, resolved at {@code setup}: {@code <logDir>/checkpoints} when the Trainer has
 * a logger (Lightning's {@code <save_dir>/<name>/<version>/checkpoints}), else
 * {@code <defaultRootDir>/checkpoints}. Once resolved it stays for later runs of the same instance, as in Lightning.
 *
 * <p><b>Names.</b>
 * {@link ModelCheckpointBuilder#filename(String) filename} is a Python format template over the monitor candidates:
 * the {@link TrainerView#callbackMetrics() callback metrics} plus {@code epoch} ({@link TrainerView#currentEpoch()})
 * and {@code step} ({@link TrainerView#globalStep()}) as integers, and any other name the template mentions as
 * integer 0.
 * Python format specs apply ({@code {epoch:02d}}, {@code {val_loss:.2f}}, {@code {acc:.4f}}, {@code {x:.3e}},
 * {@code {x:.3g}}, {@code {x}} = Python's {@code str(float)}); floats round half-even on their exact binary value, as
 * Python does. With {@code autoInsertMetricName} (default) every {@code {name} } becomes {@code name={name}}. The
 * default template is {@code "{epoch}-{step}"}, so {@code epoch=0-step=100.ckpt}. A metric name containing
 * {@code /} is not replaced: {@code {val/loss:.2f}} makes the file {@code epoch=0-val/loss=0.50.ckpt} in a
 * sub-folder {@code epoch=0-val}, as in Lightning (use {@code autoInsertMetricName(false)} and your own text).
 * When the file already exists and {@code enableVersionCounter} (default), {@code -v1}, {@code -v2}, … are appended
 * ({@code epoch=0-step=10-v1.ckpt}) unless the existing file is the one this save replaces.
 *
 * <p><b>Which.</b>
 * With a {@code monitor}: the best {@code saveTopK} (default 1) by the metric ({@code min} or {@code max} mode) are
 * kept in {@link #bestKModels()}; a new value enters when fewer than k are kept or when it is strictly better than
 * {@link #kthValue()}, and the file of the k-th best, {@link #kthBestModelPath()}, is then deleted. {@code -1} keeps
 * all, {@code 0} saves none (only {@code last.ckpt} when {@code saveLast}). A NaN value is recorded as +inf (min)
 * or -inf (max). Without a monitor only {@code saveTopK} -1, 0 or 1 are allowed: 1 keeps only the latest file, -1
 * keeps all. With {@code saveLast}, {@code last.ckpt} is written after the top-k save (a copy, or a relative
 * symbolic link with {@link ModelCheckpointBuilder#saveLastAsLink()}). Only files inside {@code dirpath} are ever
 * deleted.
 *
 * <p><b>When.</b>
 * Only in {@code fit}, never during the sanity check, never twice at the same global step, and never before the
 * first optimizer step. At the end of the training epoch when
 * {@link ModelCheckpointBuilder#saveOnTrainEpochEnd(Boolean)} resolves true, else at the end of each validation
 * run: top-k every {@code everyNEpochs} epochs (default 1 when no other trigger is set, otherwise 0),
 * {@code last.ckpt} every time. Additionally at a training batch's end when
 * {@code globalStep % everyNTrainSteps == 0} or {@code trainTimeInterval} has passed since the last such check. The
 * three triggers are mutually exclusive.
 *
 * <p>A monitored metric missing from the candidates fails the save with {@link IllegalStateException} (Lightning's
 * {@code MisconfigurationException}, same message, listing the available names) once a validation batch has run
 * in this fit; before that it only warns (once) and skips the top-k save.
 *
 * <p><b>State.</b>
 * {@link #stateDict()}: {@code monitor}, {@code best_model_score}, {@code best_model_path}, {@code current_score},
 * {@code dirpath}, {@code best_k_models} (path to score, in insertion order), {@code kth_best_model_path},
 * {@code kth_value}, {@code last_model_path}; scores as JSON numbers, non-finite ones as the strings
 * {@code "Infinity"}, {@code "-Infinity"}, {@code "NaN"}, absent scores as null. {@link #loadStateDict} restores all
 * but {@code monitor} and {@code current_score} when the saved {@code dirpath} equals this one (so top-k continues
 * across a resume), else only {@code best_model_path}, with Lightning's warning. {@link #stateKey()} is Lightning's
 * {@code ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', 'every_n_train_steps': 0, 'every_n_epochs': 1,
 * 'train_time_interval': None}}.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class ModelCheckpoint implements Callback, CheckpointLocator {

    /** Joins the parts of a name and the version suffix. */
    public static final String CHECKPOINT_JOIN_CHAR = "-";
    /** Between a metric's name and value with {@code autoInsertMetricName}. */
    public static final String CHECKPOINT_EQUALS_CHAR = "=";
    /** The name of the {@code saveLast} checkpoint. */
    public static final String CHECKPOINT_NAME_LAST = "last";
    public static final String FILE_EXTENSION = ".ckpt";
    /** The first version suffix ({@code -v1}). */
    public static final int STARTING_VERSION = 1;

    // ------------------------------------------------------------------ configuration

    private final String monitor;
    private final boolean verbose;
    private final SaveLast saveLast;
    private final int saveTopK;
    private final boolean saveWeightsOnly;
    private final String mode;
    private final boolean autoInsertMetricName;
    private final boolean enableVersionCounter;
    private final String filename;

    // ------------------------------------------------------------------ parts and state

    private final CheckpointFiles files;
    private final CheckpointFilenames filenames;
    private final TopKCheckpoints topK;
    private final CheckpointTriggers triggers;
    private final CheckpointSaver saver;

    // Lightning's trainer.fit_loop.epoch_loop.val_loop._has_run: a non-sanity validation batch ran (reset at the
    // start of every validation run).
    private boolean valLoopHasRun;
    // A state loaded before setup resolved the dirpath; applied there.
    private Map<String, Object> pendingState;

    /** Lightning's defaults: every epoch, keep the latest checkpoint, {@code epoch=N-step=M.ckpt}. */
    public ModelCheckpoint() {
        this(new ModelCheckpointBuilder());
    }

    /** {@link ModelCheckpointBuilder#build()}. */
    ModelCheckpoint(ModelCheckpointBuilder b) {
        this.monitor = b.monitor;
        this.verbose = b.verbose;
        this.saveLast = b.saveLast;
        this.saveTopK = b.saveTopK;
        this.saveWeightsOnly = b.saveWeightsOnly;
        this.autoInsertMetricName = b.autoInsertMetricName;
        this.enableVersionCounter = b.enableVersionCounter;
        // __init_monitor_mode
        if (!"min".equals(b.mode) && !"max".equals(b.mode)) {
            throw new IllegalArgumentException("`mode` can be min, max but got " + b.mode);
        }
        this.mode = b.mode;
        this.topK = new TopKCheckpoints("min".equals(mode), saveTopK);
        // __init_ckpt_dir
        this.files = new CheckpointFiles(b.dirpath);
        this.filename = b.filename;
        this.filenames = new CheckpointFilenames(filename, autoInsertMetricName, enableVersionCounter, files);
        this.triggers = new CheckpointTriggers(b.everyNTrainSteps, b.everyNEpochs, b.trainTimeInterval,
                b.saveOnTrainEpochEnd);
        validateInitConfiguration();
        this.saver = new CheckpointSaver(b, files, filenames, topK);
    }

    /** {@code __validate_init_configuration}, with Lightning's messages. */
    private void validateInitConfiguration() {
        if (saveTopK < -1) {
            throw new IllegalArgumentException("Invalid value for save_top_k=" + saveTopK + ". Must be >= -1");
        }
        triggers.validate();
        if (monitor == null && saveTopK != -1 && saveTopK != 0 && saveTopK != 1) {
            throw new IllegalArgumentException("ModelCheckpoint(save_top_k=" + saveTopK + ", monitor=None) is not a"
                    + " valid configuration. No quantity for top_k to track.");
        }
    }

    /** Lightning's {@code ModelCheckpoint(...)} arguments, each with Lightning's default until set. */
    public static ModelCheckpointBuilder builder() {
        return new ModelCheckpointBuilder();
    }

    // ------------------------------------------------------------------ getters

    public String monitor() {
        return monitor;
    }

    public String mode() {
        return mode;
    }

    public int saveTopK() {
        return saveTopK;
    }

    /** The template as given (null for the default {@code "{epoch}-{step}"}). */
    public String filename() {
        return filename;
    }

    public boolean verbose() {
        return verbose;
    }

    /** Whether {@code last.ckpt} is written (as a copy or a link). */
    public boolean saveLast() {
        return saveLast != SaveLast.OFF;
    }

    /** Whether {@code last.ckpt} is a symbolic link ({@code save_last="link"}). */
    public boolean saveLastAsLink() {
        return saveLast == SaveLast.LINK;
    }

    public boolean saveWeightsOnly() {
        return saveWeightsOnly;
    }

    public boolean autoInsertMetricName() {
        return autoInsertMetricName;
    }

    public boolean enableVersionCounter() {
        return enableVersionCounter;
    }

    /** The resolved value (0 when not set). */
    public int everyNTrainSteps() {
        return triggers.everyNTrainSteps();
    }

    /** The resolved value (1 when no trigger was set, 0 when another trigger was). */
    public int everyNEpochs() {
        return triggers.everyNEpochs();
    }

    public Duration trainTimeInterval() {
        return triggers.trainTimeInterval();
    }

    /** The configured value; null for automatic. */
    public Boolean saveOnTrainEpochEnd() {
        return triggers.saveOnTrainEpochEnd();
    }

    /** The checkpoint directory; null until {@code setup} when none was given. */
    public Path dirpath() {
        return files.dirpath() == null ? null : Path.of(files.dirpath());
    }

    /** Path of the best checkpoint ({@code ""} before the first save); without a monitor, the latest. */
    public String bestModelPath() {
        return topK.bestModelPath();
    }

    /** Score of {@link #bestModelPath()}; null without a monitor or before the first save. */
    public Double bestModelScore() {
        return topK.bestModelScore();
    }

    /** Path of the latest {@code last.ckpt} ({@code ""} when none was written). */
    public String lastModelPath() {
        return topK.lastModelPath();
    }

    /** The kept checkpoints and their scores, in the order they were saved (a copy). */
    public Map<String, Double> bestKModels() {
        return topK.bestKModels();
    }

    /** The worst of the kept checkpoints once k are kept ({@code ""} before). */
    public String kthBestModelPath() {
        return topK.kthBestModelPath();
    }

    /** Score of {@link #kthBestModelPath()}; +inf (min) or -inf (max) before k are kept. */
    public double kthValue() {
        return topK.kthValue();
    }

    /** The monitored value of the latest top-k save (NaN recorded as ±inf); null before. */
    public Double currentScore() {
        return topK.currentScore();
    }

    // ------------------------------------------------------------------ state

    /** Lightning's {@code _generate_state_key}: the class name and Python's repr of the distinguishing arguments. */
    @Override
    public String stateKey() {
        return "ModelCheckpoint{'monitor': " + (monitor == null ? "None" : PyRepr.repr(monitor)) + ", 'mode': "
                + PyRepr.repr(mode) + ", 'every_n_train_steps': " + everyNTrainSteps() + ", 'every_n_epochs': "
                + everyNEpochs() + ", 'train_time_interval': "
                + (trainTimeInterval() == null ? "None" : PyTimedelta.repr(trainTimeInterval())) + "}";
    }

    @Override
    public Map<String, Object> stateDict() {
        return topK.stateDict(monitor, files.dirpath());
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        if (files.dirpath() == null && state.get("dirpath") != null) {
            // setup has not resolved the directory yet (Lightning always restores after setup): compare there.
            pendingState = new LinkedHashMap<>(state);
            return;
        }
        topK.load(state, files.dirpath());
    }

    // ------------------------------------------------------------------ hooks

    /** Runs after the module's epoch-end hook, as Lightning's monitoring callbacks do. */
    @Override
    public boolean monitorsMetrics() {
        return true;
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        files.setUp(trainer, trainer.globalRank() == 0 && stage == Stage.FIT && saveTopK != 0);
        if (stage == Stage.FIT) {
            valLoopHasRun = false;
        }
        if (pendingState != null) {
            Map<String, Object> state = pendingState;
            pendingState = null;
            topK.load(state, files.dirpath());
        }
    }

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        triggers.onTrainStart();
    }

    /** Saves when {@code globalStep % everyNTrainSteps == 0} or {@code trainTimeInterval} has passed. */
    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        if (shouldSkipSavingCheckpoint(trainer) || !triggers.dueAtTrainBatchEnd(trainer.globalStep())) {
            return;
        }
        Map<String, Number> candidates = CheckpointFilenames.monitorCandidates(trainer);
        saver.saveTopkCheckpoint(trainer, candidates, valLoopHasRun);
        saver.saveLastCheckpoint(trainer, candidates);
    }

    @Override
    public void onValidationStart(TrainerView trainer, LightningModule module) {
        if (trainer.stage() == Stage.FIT) {
            valLoopHasRun = false; // _EvaluationLoop.reset()
        }
    }

    @Override
    public void onValidationBatchEnd(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                     int dataloaderIdx) {
        if (trainer.stage() == Stage.FIT && !trainer.isSanityChecking()) {
            valLoopHasRun = true;
        }
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        if (!shouldSkipSavingCheckpoint(trainer) && triggers.savesOnTrainEpochEnd(trainer)) {
            saveAtEpochEnd(trainer);
        }
    }

    @Override
    public void onValidationEnd(TrainerView trainer, LightningModule module) {
        if (!shouldSkipSavingCheckpoint(trainer) && !triggers.savesOnTrainEpochEnd(trainer)) {
            saveAtEpochEnd(trainer);
        }
    }

    /** {@code _should_skip_saving_checkpoint}. */
    private boolean shouldSkipSavingCheckpoint(TrainerView trainer) {
        return trainer.config().fastDevRun() > 0
                || trainer.stage() != Stage.FIT
                || trainer.isSanityChecking()
                || saver.lastGlobalStepSaved() == trainer.globalStep();
    }

    private void saveAtEpochEnd(TrainerView trainer) {
        Map<String, Number> candidates = CheckpointFilenames.monitorCandidates(trainer);
        if (triggers.topKDueAtEpochEnd(trainer.currentEpoch())) {
            saver.saveTopkCheckpoint(trainer, candidates, valLoopHasRun);
        }
        saver.saveLastCheckpoint(trainer, candidates);
    }

    // ------------------------------------------------------------------ files

    /** This run's last checkpoint, else the newest {@code last*.ckpt} in the directory (Lightning's "last"). */
    @Override
    public Path lastCheckpoint(TrainerView trainer) {
        return files.lastCheckpoint(trainer, lastModelPath());
    }

    @Override
    public Path bestCheckpoint(TrainerView trainer) {
        return bestModelPath().isEmpty() ? null : Path.of(bestModelPath());
    }

    @Override
    public Path checkpointDirectory(TrainerView trainer) {
        return files.resolveCkptDir(trainer).toAbsolutePath();
    }

    @Override
    public Path lastCheckpointUnder(Path logDir) {
        return files.lastCheckpointUnder(logDir);
    }

    /**
     * Lightning's {@code _find_last_checkpoints}: the {@code last*.ckpt} files in this callback's directory (the
     * files {@code ckpt_path="last"} chooses among).
     */
    public Set<Path> findLastCheckpoints(TrainerView trainer) {
        return files.findLastCheckpoints(trainer);
    }

    /**
     * Lightning's {@code format_checkpoint_name}: the file this callback would write for these metrics (Integer and
     * Long values are Python ints, other numbers floats), with {@code filename} instead of the configured template
     * when not null and version suffix {@code -v<ver>} when {@code ver} is not null; inside {@link #dirpath()} when
     * it is known.
     */
    public String formatCheckpointName(Map<String, ? extends Number> metrics, String filename, Integer ver) {
        return filenames.name(new LinkedHashMap<>(metrics), filename, ver);
    }

    @Override
    public String toString() {
        return "ModelCheckpoint(dirpath=" + files.dirpath() + ", filename=" + filename + ", monitor=" + monitor
                + ", mode=" + mode + ", save_top_k=" + saveTopK + ", save_last="
                + saveLast.pyRepr() + ", every_n_epochs=" + everyNEpochs() + ", every_n_train_steps="
                + everyNTrainSteps() + ", train_time_interval=" + trainTimeInterval() + ")";
    }
}
