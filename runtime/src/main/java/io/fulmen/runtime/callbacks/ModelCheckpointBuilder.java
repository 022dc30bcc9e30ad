package io.fulmen.runtime.callbacks;

import org.apiguardian.api.API;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Lightning's {@code ModelCheckpoint(...)} arguments; every one optional, with Lightning's default. Made by
 * {@link ModelCheckpoint#builder()}; {@link #build()} validates them as Lightning's constructor does.
 */
@API(status = API.Status.MAINTAINED, since = "0.3.0")
public final class ModelCheckpointBuilder {
    Path dirpath;
    String filename;
    String monitor;
    boolean verbose;
    SaveLast saveLast = SaveLast.OFF;
    int saveTopK = 1;
    boolean saveWeightsOnly;
    String mode = "min";
    boolean autoInsertMetricName = true;
    Integer everyNTrainSteps;
    Duration trainTimeInterval;
    Integer everyNEpochs;
    Boolean saveOnTrainEpochEnd;
    boolean enableVersionCounter = true;

    ModelCheckpointBuilder() {}

    /** Directory of the checkpoints; null (default) resolves it at setup (see {@link ModelCheckpoint}). */
    public ModelCheckpointBuilder dirpath(Path value) {
        this.dirpath = value;
        return this;
    }

    /** Name template without extension; null or empty (default) is {@code "{epoch}-{step}"}. */
    public ModelCheckpointBuilder filename(String value) {
        this.filename = value;
        return this;
    }

    /** The metric to rank checkpoints by; null (default) keeps the latest. */
    public ModelCheckpointBuilder monitor(String value) {
        this.monitor = value;
        return this;
    }

    /** Logs every top-k decision at INFO (default false). */
    public ModelCheckpointBuilder verbose(boolean value) {
        this.verbose = value;
        return this;
    }

    /** Also writes {@code last.ckpt} (a full copy) whenever this callback saves (default false). */
    public ModelCheckpointBuilder saveLast(boolean value) {
        this.saveLast = value ? SaveLast.COPY : SaveLast.OFF;
        return this;
    }

    /**
     * Lightning's {@code save_last="link"}: {@code last.ckpt} becomes a relative symbolic link to the latest
     * checkpoint this callback wrote (a copy where links cannot be made); a full copy when none was written yet
     * or {@code saveTopK == 0}.
     */
    public ModelCheckpointBuilder saveLastAsLink() {
        this.saveLast = SaveLast.LINK;
        return this;
    }

    /** How many best checkpoints to keep (default 1); -1 all, 0 none. */
    public ModelCheckpointBuilder saveTopK(int value) {
        this.saveTopK = value;
        return this;
    }

    /** Saves only the module's parameters (default false: everything needed to resume). */
    public ModelCheckpointBuilder saveWeightsOnly(boolean value) {
        this.saveWeightsOnly = value;
        return this;
    }

    /** {@code "min"} (default) or {@code "max"}: whether lower or higher values of the monitor are better. */
    public ModelCheckpointBuilder mode(String value) {
        this.mode = value;
        return this;
    }

    /** Writes {@code name=} before every templated value (default true). */
    public ModelCheckpointBuilder autoInsertMetricName(boolean value) {
        this.autoInsertMetricName = value;
        return this;
    }

    /** Saves at the end of every n-th optimizer step; null (default) or 0 for never. */
    public ModelCheckpointBuilder everyNTrainSteps(Integer value) {
        this.everyNTrainSteps = value;
        return this;
    }

    /**
     * Saves at the end of the first training batch after this much time since the last time-based save (or
     * the start of training); null (default) for never. Lightning's zero {@code timedelta} disables the timing
     * but still counts as a trigger.
     */
    public ModelCheckpointBuilder trainTimeInterval(Duration value) {
        this.trainTimeInterval = value;
        return this;
    }

    /** Top-k saves every n epochs (0 never); null (default) is 1 unless another trigger is set, then 0. */
    public ModelCheckpointBuilder everyNEpochs(Integer value) {
        this.everyNEpochs = value;
        return this;
    }

    /**
     * True saves at the end of the training epoch, false at the end of each validation run in fit. Null
     * (default) is Lightning's automatic choice: false when {@code check_val_every_n_epoch != 1}, true when
     * there is no validation, else {@code val_check_interval == 1.0}, read from the Trainer's schedule
     * ({@code TrainerView.config()}, {@code numValBatches()}) as Lightning's
     * {@code _should_save_on_train_epoch_end} does.
     */
    public ModelCheckpointBuilder saveOnTrainEpochEnd(Boolean value) {
        this.saveOnTrainEpochEnd = value;
        return this;
    }

    /** Appends {@code -v1}, {@code -v2}, … instead of overwriting an existing file (default true). */
    public ModelCheckpointBuilder enableVersionCounter(boolean value) {
        this.enableVersionCounter = value;
        return this;
    }

    /** Validates as Lightning's constructor does ({@link IllegalArgumentException} with its messages). */
    public ModelCheckpoint build() {
        return new ModelCheckpoint(this);
    }
}
