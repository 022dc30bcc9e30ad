package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.pyformat.PyFormat;
import io.fulmen.pyformat.PyFormatSpec;
import io.fulmen.pyformat.PyRepr;
import io.fulmen.pyformat.PyTimedelta;
import io.fulmen.runtime.checkpoint.CheckpointLocator;
import io.fulmen.spi.CheckpointSaved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
 * {@link Builder#dirpath(Path) dirpath}, made absolute with symbolic links resolved (Lightning's
 * {@code os.path.realpath}); by default, resolved at {@code setup}: {@code <logDir>/checkpoints} when the Trainer has
 * a logger (Lightning's {@code <save_dir>/<name>/<version>/checkpoints}), else
 * {@code <defaultRootDir>/checkpoints}. Once resolved it stays for later runs of the same instance, as in Lightning.
 *
 * <p><b>Names.</b>
 * {@link Builder#filename(String) filename} is a Python format template over the monitor candidates: the
 * {@link TrainerView#callbackMetrics() callback metrics} plus {@code epoch} ({@link TrainerView#currentEpoch()}) and
 * {@code step} ({@link TrainerView#globalStep()}) as integers, and any other name the template mentions as integer 0.
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
 * symbolic link with {@link Builder#saveLastAsLink()}). Only files inside {@code dirpath} are ever deleted.
 *
 * <p><b>When.</b>
 * Only in {@code fit}, never during the sanity check, never twice at the same global step, and never before the
 * first optimizer step. At the end of the training epoch when {@link Builder#saveOnTrainEpochEnd(Boolean)} resolves
 * true, else at the end of each validation run: top-k every {@code everyNEpochs} epochs (default 1 when no other
 * trigger is set, otherwise 0), {@code last.ckpt} every time. Additionally at a training batch's end when
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
public final class ModelCheckpoint implements Callback, CheckpointLocator {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);

    /** Joins the parts of a name and the version suffix. */
    public static final String CHECKPOINT_JOIN_CHAR = "-";
    /** Between a metric's name and value with {@code autoInsertMetricName}. */
    public static final String CHECKPOINT_EQUALS_CHAR = "=";
    /** The name of the {@code saveLast} checkpoint. */
    public static final String CHECKPOINT_NAME_LAST = "last";
    public static final String FILE_EXTENSION = ".ckpt";
    /** The first version suffix ({@code -v1}). */
    public static final int STARTING_VERSION = 1;

    private enum SaveLast { OFF, COPY, LINK }

    // ------------------------------------------------------------------ configuration

    private final String monitor;
    private final boolean verbose;
    private final SaveLast saveLast;
    private final int saveTopK;
    private final boolean saveWeightsOnly;
    private final String mode;
    private final boolean autoInsertMetricName;
    private final int everyNTrainSteps;
    private final int everyNEpochs;
    private final Duration trainTimeInterval;
    private final Boolean saveOnTrainEpochEnd;
    private final boolean enableVersionCounter;
    private final String filename;

    // ------------------------------------------------------------------ state (Lightning's attributes)

    private String dirpath;
    private long lastGlobalStepSaved; // 0: nothing to save before the first step
    private Long lastTimeChecked;     // System.nanoTime(), set at train start
    private Double currentScore;
    private Map<String, Double> bestKModels = new LinkedHashMap<>();
    private String kthBestModelPath = "";
    private double kthValue;
    private Double bestModelScore;
    private String bestModelPath = "";
    private String lastModelPath = "";
    private String lastCheckpointSaved = "";

    // Lightning's trainer.fit_loop.epoch_loop.val_loop._has_run: a non-sanity validation batch ran (reset at the
    // start of every validation run).
    private boolean valLoopHasRun;
    // Resolving saveOnTrainEpochEnd == null during one fit (see Builder#saveOnTrainEpochEnd).
    private boolean validatesEveryEpochEnd = true;
    private boolean validationSeen;
    private boolean validatedThisEpoch;
    private long lastTrainBatchIdx = -1;
    // A state loaded before setup resolved the dirpath; applied there.
    private Map<String, Object> pendingState;
    private final Set<String> warned = new HashSet<>();

    /** Lightning's defaults: every epoch, keep the latest checkpoint, {@code epoch=N-step=M.ckpt}. */
    public ModelCheckpoint() {
        this(new Builder());
    }

    private ModelCheckpoint(Builder b) {
        this.monitor = b.monitor;
        this.verbose = b.verbose;
        this.saveLast = b.saveLast;
        this.saveTopK = b.saveTopK;
        this.saveWeightsOnly = b.saveWeightsOnly;
        this.autoInsertMetricName = b.autoInsertMetricName;
        this.saveOnTrainEpochEnd = b.saveOnTrainEpochEnd;
        this.enableVersionCounter = b.enableVersionCounter;
        // __init_monitor_mode
        if (!"min".equals(b.mode) && !"max".equals(b.mode)) {
            throw new IllegalArgumentException("`mode` can be min, max but got " + b.mode);
        }
        this.mode = b.mode;
        this.kthValue = isMin() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        // __init_ckpt_dir
        this.dirpath = b.dirpath == null ? null : realPath(b.dirpath).toString();
        this.filename = b.filename;
        // __init_triggers: every_n_epochs=1 when no trigger is given, else the missing ones are 0.
        if (b.everyNTrainSteps == null && b.everyNEpochs == null && b.trainTimeInterval == null) {
            this.everyNEpochs = 1;
            this.everyNTrainSteps = 0;
        } else {
            this.everyNEpochs = b.everyNEpochs == null ? 0 : b.everyNEpochs;
            this.everyNTrainSteps = b.everyNTrainSteps == null ? 0 : b.everyNTrainSteps;
        }
        this.trainTimeInterval = b.trainTimeInterval;
        validateInitConfiguration();
    }

    /** {@code __validate_init_configuration}, with Lightning's messages. */
    private void validateInitConfiguration() {
        if (saveTopK < -1) {
            throw new IllegalArgumentException("Invalid value for save_top_k=" + saveTopK + ". Must be >= -1");
        }
        if (everyNTrainSteps < 0) {
            throw new IllegalArgumentException("Invalid value for every_n_train_steps=" + everyNTrainSteps
                    + ". Must be >= 0");
        }
        if (everyNEpochs < 0) {
            throw new IllegalArgumentException("Invalid value for every_n_epochs=" + everyNEpochs + ". Must be >= 0");
        }
        int triggered = (everyNTrainSteps >= 1 ? 1 : 0) + (everyNEpochs >= 1 ? 1 : 0)
                + (trainTimeInterval != null ? 1 : 0);
        if (triggered > 1) {
            throw new IllegalArgumentException("Combination of parameters every_n_train_steps=" + everyNTrainSteps
                    + ", every_n_epochs=" + everyNEpochs + " and train_time_interval="
                    + (trainTimeInterval == null ? "None" : PyTimedelta.str(trainTimeInterval))
                    + " should be mutually exclusive.");
        }
        if (monitor == null && saveTopK != -1 && saveTopK != 0 && saveTopK != 1) {
            throw new IllegalArgumentException("ModelCheckpoint(save_top_k=" + saveTopK + ", monitor=None) is not a"
                    + " valid configuration. No quantity for top_k to track.");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Lightning's {@code ModelCheckpoint(...)} arguments; every one optional, with Lightning's default. */
    public static final class Builder {
        private Path dirpath;
        private String filename;
        private String monitor;
        private boolean verbose;
        private SaveLast saveLast = SaveLast.OFF;
        private int saveTopK = 1;
        private boolean saveWeightsOnly;
        private String mode = "min";
        private boolean autoInsertMetricName = true;
        private Integer everyNTrainSteps;
        private Duration trainTimeInterval;
        private Integer everyNEpochs;
        private Boolean saveOnTrainEpochEnd;
        private boolean enableVersionCounter = true;

        private Builder() {}

        /** Directory of the checkpoints; null (default) resolves it at setup (see the class comment). */
        public Builder dirpath(Path value) {
            this.dirpath = value;
            return this;
        }

        /** Name template without extension; null or empty (default) is {@code "{epoch}-{step}"}. */
        public Builder filename(String value) {
            this.filename = value;
            return this;
        }

        /** The metric to rank checkpoints by; null (default) keeps the latest. */
        public Builder monitor(String value) {
            this.monitor = value;
            return this;
        }

        /** Logs every top-k decision at INFO (default false). */
        public Builder verbose(boolean value) {
            this.verbose = value;
            return this;
        }

        /** Also writes {@code last.ckpt} (a full copy) whenever this callback saves (default false). */
        public Builder saveLast(boolean value) {
            this.saveLast = value ? SaveLast.COPY : SaveLast.OFF;
            return this;
        }

        /**
         * Lightning's {@code save_last="link"}: {@code last.ckpt} becomes a relative symbolic link to the latest
         * checkpoint this callback wrote (a copy where links cannot be made); a full copy when none was written yet
         * or {@code saveTopK == 0}.
         */
        public Builder saveLastAsLink() {
            this.saveLast = SaveLast.LINK;
            return this;
        }

        /** How many best checkpoints to keep (default 1); -1 all, 0 none. */
        public Builder saveTopK(int value) {
            this.saveTopK = value;
            return this;
        }

        /** Saves only the module's parameters (default false: everything needed to resume). */
        public Builder saveWeightsOnly(boolean value) {
            this.saveWeightsOnly = value;
            return this;
        }

        /** {@code "min"} (default) or {@code "max"}: whether lower or higher values of the monitor are better. */
        public Builder mode(String value) {
            this.mode = value;
            return this;
        }

        /** Writes {@code name=} before every templated value (default true). */
        public Builder autoInsertMetricName(boolean value) {
            this.autoInsertMetricName = value;
            return this;
        }

        /** Saves at the end of every n-th optimizer step; null (default) or 0 for never. */
        public Builder everyNTrainSteps(Integer value) {
            this.everyNTrainSteps = value;
            return this;
        }

        /**
         * Saves at the end of the first training batch after this much time since the last time-based save (or
         * the start of training); null (default) for never. Lightning's zero {@code timedelta} disables the timing
         * but still counts as a trigger.
         */
        public Builder trainTimeInterval(Duration value) {
            this.trainTimeInterval = value;
            return this;
        }

        /** Top-k saves every n epochs (0 never); null (default) is 1 unless another trigger is set, then 0. */
        public Builder everyNEpochs(Integer value) {
            this.everyNEpochs = value;
            return this;
        }

        /**
         * True saves at the end of the training epoch, false at the end of each validation run in fit. Null
         * (default) is Lightning's automatic choice: false when {@code check_val_every_n_epoch != 1}, true when
         * there is no validation, else {@code val_check_interval == 1.0}.
         *
         * <p>The Trainer's view does not show those arguments, so the choice is made from what the callback sees
         * during the fit, as {@link EarlyStopping} does: a validation run that ends before the epoch's last
         * training batch (no stop requested, max_steps not reached) means more than one validation per epoch, and
         * an epoch that ends without validation although the fit validates (a sanity check or an earlier
         * validation was seen) means validation every n epochs; either switches this fit to saving after
         * validation runs. The one case this cannot tell apart from Lightning: no sanity check with
         * {@code check_val_every_n_epoch > 1} saves at the end of the epochs before the first validation (Lightning
         * waits for it); set this explicitly there.
         */
        public Builder saveOnTrainEpochEnd(Boolean value) {
            this.saveOnTrainEpochEnd = value;
            return this;
        }

        /** Appends {@code -v1}, {@code -v2}, … instead of overwriting an existing file (default true). */
        public Builder enableVersionCounter(boolean value) {
            this.enableVersionCounter = value;
            return this;
        }

        /** Validates as Lightning's constructor does ({@link IllegalArgumentException} with its messages). */
        public ModelCheckpoint build() {
            return new ModelCheckpoint(this);
        }
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
        return everyNTrainSteps;
    }

    /** The resolved value (1 when no trigger was set, 0 when another trigger was). */
    public int everyNEpochs() {
        return everyNEpochs;
    }

    public Duration trainTimeInterval() {
        return trainTimeInterval;
    }

    /** The configured value; null for automatic. */
    public Boolean saveOnTrainEpochEnd() {
        return saveOnTrainEpochEnd;
    }

    /** The checkpoint directory; null until {@code setup} when none was given. */
    public Path dirpath() {
        return dirpath == null ? null : Path.of(dirpath);
    }

    /** Path of the best checkpoint ({@code ""} before the first save); without a monitor, the latest. */
    public String bestModelPath() {
        return bestModelPath;
    }

    /** Score of {@link #bestModelPath()}; null without a monitor or before the first save. */
    public Double bestModelScore() {
        return bestModelScore;
    }

    /** Path of the latest {@code last.ckpt} ({@code ""} when none was written). */
    public String lastModelPath() {
        return lastModelPath;
    }

    /** The kept checkpoints and their scores, in the order they were saved (a copy). */
    public Map<String, Double> bestKModels() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(bestKModels));
    }

    /** The worst of the kept checkpoints once k are kept ({@code ""} before). */
    public String kthBestModelPath() {
        return kthBestModelPath;
    }

    /** Score of {@link #kthBestModelPath()}; +inf (min) or -inf (max) before k are kept. */
    public double kthValue() {
        return kthValue;
    }

    /** The monitored value of the latest top-k save (NaN recorded as ±inf); null before. */
    public Double currentScore() {
        return currentScore;
    }

    // ------------------------------------------------------------------ state

    /** Lightning's {@code _generate_state_key}: the class name and Python's repr of the distinguishing arguments. */
    @Override
    public String stateKey() {
        return "ModelCheckpoint{'monitor': " + (monitor == null ? "None" : PyRepr.repr(monitor)) + ", 'mode': "
                + PyRepr.repr(mode) + ", 'every_n_train_steps': " + everyNTrainSteps + ", 'every_n_epochs': "
                + everyNEpochs + ", 'train_time_interval': "
                + (trainTimeInterval == null ? "None" : PyTimedelta.repr(trainTimeInterval)) + "}";
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("monitor", monitor);
        state.put("best_model_score", score(bestModelScore));
        state.put("best_model_path", bestModelPath);
        state.put("current_score", score(currentScore));
        state.put("dirpath", dirpath);
        Map<String, Object> bestK = new LinkedHashMap<>();
        bestKModels.forEach((path, value) -> bestK.put(path, score(value)));
        state.put("best_k_models", bestK);
        state.put("kth_best_model_path", kthBestModelPath);
        state.put("kth_value", score(kthValue));
        state.put("last_model_path", lastModelPath);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        if (dirpath == null && state.get("dirpath") != null) {
            // setup has not resolved the directory yet (Lightning always restores after setup): compare there.
            pendingState = new LinkedHashMap<>(state);
            return;
        }
        applyState(state);
    }

    private void applyState(Map<String, Object> state) {
        Object fromCkpt = state.containsKey("dirpath") ? state.get("dirpath") : dirpath;
        if (Objects.equals(dirpath, fromCkpt == null ? null : fromCkpt.toString())) {
            bestModelScore = nullableScore(state.get("best_model_score"));
            if (state.containsKey("kth_best_model_path")) {
                kthBestModelPath = string(state.get("kth_best_model_path"));
            }
            Double kth = nullableScore(state.get("kth_value"));
            if (kth != null) {
                kthValue = kth;
            }
            Object bestK = state.get("best_k_models");
            if (bestK instanceof Map<?, ?> map) {
                Map<String, Double> restored = new LinkedHashMap<>();
                map.forEach((k, v) -> restored.put(k.toString(), nullableScore(v)));
                bestKModels = restored;
            } else if (bestK != null) {
                throw new IllegalArgumentException("ModelCheckpoint state: `best_k_models` must be a map, got "
                        + bestK);
            }
            if (state.containsKey("last_model_path")) {
                lastModelPath = string(state.get("last_model_path"));
            }
        } else {
            LOG.warn("The dirpath has changed from {} to {}, therefore `best_model_score`, `kth_best_model_path`,"
                    + " `kth_value`, `last_model_path` and `best_k_models` won't be reloaded. Only"
                    + " `best_model_path` will be reloaded.",
                    fromCkpt == null ? "None" : PyRepr.repr(fromCkpt.toString()),
                    dirpath == null ? "None" : PyRepr.repr(dirpath));
        }
        bestModelPath = string(state.get("best_model_path"));
    }

    private static String string(Object v) {
        return v == null ? "" : v.toString();
    }

    private static Object score(Double v) {
        return v == null ? null : StateScores.toState(v);
    }

    private static Double nullableScore(Object v) {
        return v == null ? null : StateScores.fromState(v, "ModelCheckpoint state: a score");
    }

    // ------------------------------------------------------------------ hooks

    /** Runs after the module's epoch-end hook, as Lightning's monitoring callbacks do. */
    @Override
    public boolean monitorsMetrics() {
        return true;
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        dirpath = resolveCkptDir(trainer).toString();
        if (trainer.globalRank() == 0 && stage == Stage.FIT) {
            warnIfDirNotEmpty(Path.of(dirpath));
        }
        if (stage == Stage.FIT) {
            valLoopHasRun = false;
            validatesEveryEpochEnd = true;
            validationSeen = false;
            validatedThisEpoch = false;
            lastTrainBatchIdx = -1;
        }
        if (pendingState != null) {
            Map<String, Object> state = pendingState;
            pendingState = null;
            applyState(state);
        }
    }

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        lastTimeChecked = System.nanoTime();
    }

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        validatedThisEpoch = false;
        lastTrainBatchIdx = -1;
    }

    /** Saves when {@code globalStep % everyNTrainSteps == 0} or {@code trainTimeInterval} has passed. */
    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        if (trainer.stage() == Stage.FIT && !trainer.isSanityChecking()) {
            lastTrainBatchIdx = batchIdx;
        }
        if (shouldSkipSavingCheckpoint(trainer)) {
            return;
        }
        boolean skipBatch = everyNTrainSteps < 1 || trainer.globalStep() % everyNTrainSteps != 0;
        boolean skipTime = true;
        long now = System.nanoTime();
        if (trainTimeInterval != null && !trainTimeInterval.isZero()) { // Python: `if train_time_interval:`
            Long prev = lastTimeChecked;
            skipTime = prev == null || Duration.ofNanos(now - prev).compareTo(trainTimeInterval) < 0;
        }
        if (skipBatch && skipTime) {
            return;
        }
        if (!skipTime) {
            lastTimeChecked = now;
        }
        Map<String, Number> candidates = monitorCandidates(trainer);
        saveTopkCheckpoint(trainer, candidates);
        saveLastCheckpoint(trainer, candidates);
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
        if (trainer.stage() == Stage.FIT) {
            validationSeen = true; // also in the sanity check: the fit has a validation loop
            if (!trainer.isSanityChecking()) {
                valLoopHasRun = true;
            }
        }
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        if (saveOnTrainEpochEnd == null && trainer.stage() == Stage.FIT && !trainer.isSanityChecking()
                && validatesEveryEpochEnd && validationSeen && !validatedThisEpoch) {
            // Validation exists but did not run this epoch: check_val_every_n_epoch != 1, where Lightning saves
            // after validation runs instead.
            validatesEveryEpochEnd = false;
        }
        if (!shouldSkipSavingCheckpoint(trainer) && shouldSaveOnTrainEpochEnd()) {
            Map<String, Number> candidates = monitorCandidates(trainer);
            if (everyNEpochs >= 1 && (trainer.currentEpoch() + 1) % everyNEpochs == 0) {
                saveTopkCheckpoint(trainer, candidates);
            }
            saveLastCheckpoint(trainer, candidates);
        }
    }

    @Override
    public void onValidationEnd(TrainerView trainer, LightningModule module) {
        if (trainer.stage() == Stage.FIT && !trainer.isSanityChecking()) {
            validationSeen = true;
            if (saveOnTrainEpochEnd == null && validatesEveryEpochEnd) {
                long batches = trainer.numTrainingBatches();
                boolean maxStepsReached = trainer.maxSteps() >= 0 && trainer.globalStep() >= trainer.maxSteps();
                boolean midEpoch = batches > 0 && lastTrainBatchIdx + 1 < batches && !trainer.shouldStop()
                        && !maxStepsReached;
                if (midEpoch) {
                    // More than one validation per epoch: val_check_interval != 1.0.
                    validatesEveryEpochEnd = false;
                } else {
                    validatedThisEpoch = true;
                }
            }
        }
        if (!shouldSkipSavingCheckpoint(trainer) && !shouldSaveOnTrainEpochEnd()) {
            Map<String, Number> candidates = monitorCandidates(trainer);
            if (everyNEpochs >= 1 && (trainer.currentEpoch() + 1) % everyNEpochs == 0) {
                saveTopkCheckpoint(trainer, candidates);
            }
            saveLastCheckpoint(trainer, candidates);
        }
    }

    /** {@code _should_skip_saving_checkpoint} (without {@code fast_dev_run}, which the view does not show). */
    private boolean shouldSkipSavingCheckpoint(TrainerView trainer) {
        return trainer.stage() != Stage.FIT
                || trainer.isSanityChecking()
                || lastGlobalStepSaved == trainer.globalStep();
    }

    private boolean shouldSaveOnTrainEpochEnd() {
        return saveOnTrainEpochEnd != null ? saveOnTrainEpochEnd : validatesEveryEpochEnd;
    }

    // ------------------------------------------------------------------ saving

    /** {@code _monitor_candidates}: the callback metrics, {@code epoch} and {@code step} as integers. */
    private static Map<String, Number> monitorCandidates(TrainerView trainer) {
        Map<String, Double> metrics = trainer.callbackMetrics();
        Map<String, Number> candidates = new LinkedHashMap<>();
        for (String name : names(metrics)) {
            Double v = metrics.get(name);
            if (v != null) {
                candidates.put(name, v);
            }
        }
        // `self.log("epoch", 123)` makes it a float: cast back (tensor.int() truncates), else the Trainer's.
        Number epoch = candidates.get("epoch");
        long epochValue = epoch != null ? (long) epoch.doubleValue() : trainer.currentEpoch();
        candidates.put("epoch", epochValue);
        Number step = candidates.get("step");
        long stepValue = step != null ? (long) step.doubleValue() : trainer.globalStep();
        candidates.put("step", stepValue);
        return candidates;
    }

    /** The metric names in the map's own order when it has one, else sorted (for stable names and messages). */
    private static List<String> names(Map<String, Double> metrics) {
        if (metrics instanceof LinkedHashMap || metrics instanceof SortedMap) {
            return new ArrayList<>(metrics.keySet());
        }
        return metrics.keySet().stream().sorted().collect(Collectors.toList());
    }

    private void saveTopkCheckpoint(TrainerView trainer, Map<String, Number> candidates) {
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
        if (checkMonitorTopK(current)) {
            updateBestAndSave(current, trainer, candidates);
        } else if (verbose) {
            LOG.info("Epoch {}, global step {}: {} was not in top {}", candidates.get("epoch"),
                    candidates.get("step"), PyRepr.repr(monitor), saveTopK);
        }
    }

    /** {@code check_monitor_top_k}: strictly better than the k-th best (NaN never is), or fewer than k kept. */
    private boolean checkMonitorTopK(Double current) {
        if (current == null) {
            return false;
        }
        if (saveTopK == -1) {
            return true;
        }
        if (bestKModels.size() < saveTopK) {
            return true;
        }
        Double kth = bestKModels.get(kthBestModelPath);
        if (kth == null) {
            throw new IllegalStateException("ModelCheckpoint: the k-th best checkpoint '" + kthBestModelPath
                    + "' is not among the kept ones " + bestKModels.keySet());
        }
        return isMin() ? current < kth : current > kth;
    }

    private void saveNoneMonitorCheckpoint(TrainerView trainer, Map<String, Number> candidates) {
        String filepath = metricInterpolatedFilepathName(candidates, bestModelPath);
        // set the best model path before saving because it will be part of the state
        String previous = bestModelPath;
        bestModelPath = filepath;
        saveCheckpoint(trainer, filepath);
        if (saveTopK == 1 && !previous.isEmpty() && shouldRemoveCheckpoint(previous, filepath)) {
            removeCheckpoint(trainer, previous);
        }
    }

    /** {@code _update_best_and_save}. */
    private void updateBestAndSave(double current, TrainerView trainer, Map<String, Number> candidates) {
        int k = saveTopK == -1 ? bestKModels.size() + 1 : saveTopK;
        String delFilepath = null;
        if (bestKModels.size() == k && k > 0) {
            delFilepath = kthBestModelPath;
            bestKModels.remove(delFilepath);
        }
        // do not save nan, replace with +/- inf
        if (Double.isNaN(current)) {
            current = isMin() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        String filepath = metricInterpolatedFilepathName(candidates, delFilepath);
        currentScore = current;
        bestKModels.put(filepath, current);
        if (bestKModels.size() == k) {
            kthBestModelPath = first(!isMin()); // the worst: max in min mode (first of equals, as Python's max)
            kthValue = bestKModels.get(kthBestModelPath);
        }
        bestModelPath = first(isMin());
        bestModelScore = bestKModels.get(bestModelPath);
        if (verbose) {
            LOG.info("Epoch {}, global step {}: {} reached {} (best {}), saving model to {} as top {}",
                    candidates.get("epoch"), candidates.get("step"), PyRepr.repr(monitor),
                    PyFormatSpec.format(current, "0.5f"), PyFormatSpec.format(bestModelScore, "0.5f"),
                    PyRepr.repr(filepath), k);
        }
        saveCheckpoint(trainer, filepath);
        if (delFilepath != null && !delFilepath.isEmpty() && shouldRemoveCheckpoint(delFilepath, filepath)) {
            removeCheckpoint(trainer, delFilepath);
        }
    }

    /** Python's {@code min}/{@code max} over the kept scores: the first path with the lowest/highest score. */
    private String first(boolean lowest) {
        String best = null;
        double bestValue = 0;
        for (Map.Entry<String, Double> e : bestKModels.entrySet()) {
            double v = e.getValue();
            if (best == null || (lowest ? v < bestValue : v > bestValue)) {
                best = e.getKey();
                bestValue = v;
            }
        }
        return best;
    }

    private void saveLastCheckpoint(TrainerView trainer, Map<String, Number> candidates) {
        if (saveLast == SaveLast.OFF) {
            return;
        }
        String filepath = checkpointName(candidates, CHECKPOINT_NAME_LAST, null);
        if (enableVersionCounter) {
            int version = STARTING_VERSION;
            while (fileExists(filepath) && !filepath.equals(lastModelPath)) {
                filepath = checkpointName(candidates, CHECKPOINT_NAME_LAST, version);
                version++;
            }
        }
        // set the last model path before saving because it will be part of the state
        String previous = lastModelPath;
        lastModelPath = filepath;
        // Lightning links even when the latest save was last.ckpt itself, which leaves a link to itself (fixed in
        // Lightning 2.6): a full copy is written then.
        if (saveLast == SaveLast.LINK && !lastCheckpointSaved.isEmpty() && saveTopK != 0
                && !lastCheckpointSaved.equals(filepath)) {
            linkCheckpoint(trainer, lastCheckpointSaved, filepath);
        } else {
            saveCheckpoint(trainer, filepath);
        }
        if (!previous.isEmpty() && shouldRemoveCheckpoint(previous, filepath)) {
            removeCheckpoint(trainer, previous);
        }
    }

    private String metricInterpolatedFilepathName(Map<String, Number> candidates, String delFilepath) {
        String filepath = checkpointName(candidates, null, null);
        if (enableVersionCounter) {
            int version = STARTING_VERSION;
            while (fileExists(filepath) && !filepath.equals(delFilepath)) {
                filepath = checkpointName(candidates, null, version);
                version++;
            }
        }
        return filepath;
    }

    private void saveCheckpoint(TrainerView trainer, String filepath) {
        Path file = Path.of(filepath);
        if (trainer.globalRank() == 0 && file.toAbsolutePath().getParent() != null) {
            try {
                // Lightning's checkpoint IO creates the folder (also the sub-folders a "/" in a name makes)
                Files.createDirectories(file.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the checkpoint directory of " + filepath, e);
            }
        }
        trainer.saveCheckpoint(file, saveWeightsOnly);
        lastGlobalStepSaved = trainer.globalStep();
        lastCheckpointSaved = filepath;
        if (trainer.globalRank() == 0) {
            CheckpointSaved saved = savedEvent(file);
            trainer.loggers().forEach(l -> l.afterSaveCheckpoint(saved));
        }
    }

    /** What loggers see of this callback after a save ({@code after_save_checkpoint(proxy(self))}). */
    private CheckpointSaved savedEvent(Path file) {
        Map<Path, Double> kept = new LinkedHashMap<>();
        bestKModels.forEach((path, score) -> kept.put(absolute(path), score));
        return new CheckpointSaved(file.toAbsolutePath(), monitor, mode, saveTopK, saveLast != SaveLast.OFF,
                saveWeightsOnly, absolute(lastModelPath), currentScore, absolute(bestModelPath), bestModelScore,
                kept);
    }

    private static Path absolute(String path) {
        return path == null || path.isEmpty() ? null : Path.of(path).toAbsolutePath();
    }

    private static boolean fileExists(String filepath) {
        return Files.exists(Path.of(filepath));
    }

    /**
     * {@code _should_remove_checkpoint}: not the file just written, and only inside {@code dirpath}. (Lightning
     * also keeps the file the fit resumed from; the view does not show it.)
     */
    private boolean shouldRemoveCheckpoint(String previous, String current) {
        if (previous.equals(current)) {
            return false;
        }
        if (dirpath == null) {
            return false;
        }
        Path prev = Path.of(previous).toAbsolutePath().normalize();
        Path dir = Path.of(dirpath).toAbsolutePath().normalize();
        return prev.startsWith(dir) && !prev.equals(dir);
    }

    private static void removeCheckpoint(TrainerView trainer, String filepath) {
        if (trainer.globalRank() != 0) {
            return;
        }
        try {
            deleteRecursively(Path.of(filepath));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove checkpoint " + filepath, e);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(path)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    deleteRecursively(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    /** {@code _link_checkpoint}: a relative symbolic link, or a copy where links cannot be made. */
    private static void linkCheckpoint(TrainerView trainer, String filepath, String linkpath) {
        if (trainer.globalRank() != 0) {
            return;
        }
        Path link = Path.of(linkpath).toAbsolutePath();
        Path target = Path.of(filepath).toAbsolutePath();
        try {
            deleteRecursively(link);
            try {
                Files.createSymbolicLink(link, link.getParent().relativize(target));
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(target, link, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + linkpath + " to " + filepath, e);
        }
    }

    // ------------------------------------------------------------------ directories

    /** {@code __resolve_ckpt_dir}. */
    private Path resolveCkptDir(TrainerView trainer) {
        if (dirpath != null) {
            return Path.of(dirpath);
        }
        if (!trainer.loggers().isEmpty() && trainer.logDir() != null) {
            return trainer.logDir().resolve("checkpoints");
        }
        return trainer.defaultRootDir().resolve("checkpoints");
    }

    private void warnIfDirNotEmpty(Path dir) {
        if (saveTopK == 0 || !Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                LOG.warn("Checkpoint directory {} exists and is not empty.", dir);
            }
        } catch (IOException e) {
            // an unreadable directory fails at the first save instead
        }
    }

    /** This run's last checkpoint, else the newest {@code last*.ckpt} in the directory (Lightning's "last"). */
    @Override
    public Path lastCheckpoint(TrainerView trainer) {
        if (!lastModelPath().isEmpty() && Files.isRegularFile(Path.of(lastModelPath()))) {
            return Path.of(lastModelPath());
        }
        Path newest = null;
        FileTime newestTime = null;
        for (Path p : findLastCheckpoints(trainer)) {
            try {
                FileTime t = Files.getLastModifiedTime(p);
                if (newestTime == null || t.compareTo(newestTime) > 0) {
                    newest = p;
                    newestTime = t;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the modification time of " + p, e);
            }
        }
        return newest;
    }

    @Override
    public Path bestCheckpoint(TrainerView trainer) {
        return bestModelPath().isEmpty() ? null : Path.of(bestModelPath());
    }

    /**
     * Lightning's {@code _find_last_checkpoints}: the {@code last*.ckpt} files in this callback's directory (the
     * files {@code ckpt_path="last"} chooses among).
     */
    public Set<Path> findLastCheckpoints(TrainerView trainer) {
        Path dir = resolveCkptDir(trainer);
        Pattern last = Pattern.compile("^" + Pattern.quote(CHECKPOINT_NAME_LAST) + "(-(\\d+))?");
        Set<Path> found = new LinkedHashSet<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.sorted().forEach(p -> {
                String name = p.getFileName().toString();
                if (name.endsWith(FILE_EXTENSION) && name.length() > FILE_EXTENSION.length()) {
                    String stem = name.substring(0, name.length() - FILE_EXTENSION.length());
                    if (last.matcher(stem).lookingAt()) {
                        found.add(p.normalize());
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return found;
    }

    /** {@code os.path.realpath(os.path.expanduser(p))}: absolute, {@code ~} expanded, links resolved. */
    private static Path realPath(Path p) {
        String s = p.toString();
        if (s.equals("~") || s.startsWith("~/") || s.startsWith("~" + java.io.File.separator)) {
            p = Path.of(System.getProperty("user.home") + s.substring(1));
        }
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        List<Path> rest = new ArrayList<>();
        while (existing != null && !Files.exists(existing)) {
            rest.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            Path real = existing.toRealPath();
            for (Path part : rest) {
                real = real.resolve(part);
            }
            return real;
        } catch (IOException e) {
            return abs;
        }
    }

    // ------------------------------------------------------------------ names

    /**
     * Lightning's {@code format_checkpoint_name}: the file this callback would write for these metrics (Integer and
     * Long values are Python ints, other numbers floats), with {@code filename} instead of the configured template
     * when not null and version suffix {@code -v<ver>} when {@code ver} is not null; inside {@link #dirpath()} when
     * it is known.
     */
    public String formatCheckpointName(Map<String, ? extends Number> metrics, String filename, Integer ver) {
        return checkpointName(new LinkedHashMap<>(metrics), filename, ver);
    }

    /** Adds the names the template mentions and {@code metrics} lacks to {@code metrics}, as Lightning does. */
    private String checkpointName(Map<String, Number> metrics, String name, Integer ver) {
        String template = name != null && !name.isEmpty() ? name : this.filename;
        String formatted = formatCheckpointName(template, metrics, autoInsertMetricName);
        if (ver != null) {
            formatted = formatted + CHECKPOINT_JOIN_CHAR + "v" + ver;
        }
        String ckptName = formatted + FILE_EXTENSION;
        return dirpath != null ? Path.of(dirpath).resolve(ckptName).toString() : ckptName;
    }

    private static final Pattern GROUP = Pattern.compile("(\\{.*?)[:}]");

    /**
     * Lightning's {@code _format_checkpoint_name} (without a prefix): the template's {@code {name} } fields filled
     * from {@code metrics} (names missing there are added as integer 0), without extension or directory.
     */
    static String formatCheckpointName(String filename, Map<String, Number> metrics, boolean autoInsertMetricName) {
        if (filename == null || filename.isEmpty()) {
            filename = "{epoch}" + CHECKPOINT_JOIN_CHAR + "{step}";
        }
        // check and parse user passed keys in the string
        List<String> groups = new ArrayList<>();
        Matcher m = GROUP.matcher(filename);
        while (m.find()) {
            groups.add(m.group(1));
        }
        // sort keys from longest to shortest to avoid replacing substring (stable, as Python's sorted)
        groups.sort(Comparator.comparingInt(String::length).reversed());
        for (String group : groups) {
            String name = group.substring(1);
            if (autoInsertMetricName) {
                filename = filename.replace(group, name + CHECKPOINT_EQUALS_CHAR + "{" + name);
            }
            // support for dots: https://stackoverflow.com/a/7934969
            filename = filename.replace(group, "{0[" + name + "]");
            if (!metrics.containsKey(name)) {
                metrics.put(name, 0L);
            }
        }
        return PyFormat.format(filename, List.of(metrics), Map.of());
    }

    private boolean isMin() {
        return "min".equals(mode);
    }

    @Override
    public String toString() {
        return "ModelCheckpoint(dirpath=" + dirpath + ", filename=" + filename + ", monitor=" + monitor + ", mode="
                + mode + ", save_top_k=" + saveTopK + ", save_last="
                + (saveLast == SaveLast.OFF ? "None" : saveLast == SaveLast.COPY ? "True" : "'link'")
                + ", every_n_epochs=" + everyNEpochs
                + ", every_n_train_steps=" + everyNTrainSteps + ", train_time_interval=" + trainTimeInterval + ")";
    }
}
