package io.fulmen;

import org.apiguardian.api.API;
import java.util.Objects;

/**
 * Options of {@link LightningModule#log}: Lightning's {@code on_step}, {@code on_epoch}, {@code prog_bar},
 * {@code logger}, {@code reduce_fx}, {@code batch_size} and {@code sync_dist}. Immutable; every {@code with}
 * method returns a copy.
 *
 * <p>{@code onStep} and {@code onEpoch} left unset take Lightning's defaults for the hook that logs: in
 * {@code trainingStep} and the train batch hooks, on_step only; everywhere else (validation, test, epoch hooks),
 * on_epoch only.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LogOptions {
    private static final LogOptions DEFAULTS = new LogOptions(null, null, false, true, Reduce.MEAN, -1, false, true);

    private final Boolean onStep;
    private final Boolean onEpoch;
    private final boolean progBar;
    private final boolean logger;
    private final Reduce reduce;
    private final int batchSize;
    private final boolean syncDist;
    private final boolean addDataloaderIdx;

    private LogOptions(Boolean onStep, Boolean onEpoch, boolean progBar, boolean logger, Reduce reduce,
                       int batchSize, boolean syncDist, boolean addDataloaderIdx) {
        this.addDataloaderIdx = addDataloaderIdx;
        this.onStep = onStep;
        this.onEpoch = onEpoch;
        this.progBar = progBar;
        this.logger = logger;
        this.reduce = Objects.requireNonNull(reduce, "reduce");
        this.batchSize = batchSize;
        this.syncDist = syncDist;
    }

    /** Lightning's defaults. */
    public static LogOptions defaults() {
        return DEFAULTS;
    }

    /** Defaults, shown in the progress bar ({@code prog_bar=True}). */
    public static LogOptions progBar() {
        return DEFAULTS.withProgBar(true);
    }

    /** Accumulated over the epoch only ({@code on_step=False, on_epoch=True}), whatever the hook's default. */
    public static LogOptions epochOnly() {
        return DEFAULTS.withOnStep(false).withOnEpoch(true);
    }

    /** Every step only ({@code on_step=True, on_epoch=False}), whatever the hook's default. */
    public static LogOptions stepOnly() {
        return DEFAULTS.withOnStep(true).withOnEpoch(false);
    }

    public LogOptions withOnStep(boolean value) {
        return new LogOptions(value, onEpoch, progBar, logger, reduce, batchSize, syncDist, addDataloaderIdx);
    }

    public LogOptions withOnEpoch(boolean value) {
        return new LogOptions(onStep, value, progBar, logger, reduce, batchSize, syncDist, addDataloaderIdx);
    }

    public LogOptions withProgBar(boolean value) {
        return new LogOptions(onStep, onEpoch, value, logger, reduce, batchSize, syncDist, addDataloaderIdx);
    }

    /** Whether the value goes to the experiment loggers ({@code logger=} in Lightning). */
    public LogOptions withLogger(boolean value) {
        return new LogOptions(onStep, onEpoch, progBar, value, reduce, batchSize, syncDist, addDataloaderIdx);
    }

    public LogOptions withReduce(Reduce value) {
        return new LogOptions(onStep, onEpoch, progBar, logger, value, batchSize, syncDist, addDataloaderIdx);
    }

    /** The weight of this value in the epoch mean; by default the size of the current batch. */
    public LogOptions withBatchSize(int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + value);
        }
        return new LogOptions(onStep, onEpoch, progBar, logger, reduce, value, syncDist, addDataloaderIdx);
    }

    /** Reduce the value across processes before logging (a no-op on one process). */
    public LogOptions withSyncDist(boolean value) {
        return new LogOptions(onStep, onEpoch, progBar, logger, reduce, batchSize, value, addDataloaderIdx);
    }

    /**
     * Whether a value logged while one of several evaluation loaders runs gets {@code /dataloader_idx_N} appended to
     * its name (Lightning's {@code add_dataloader_idx}, true by default); false logs under the bare name, so the
     * loaders must then log different names.
     */
    public LogOptions withAddDataloaderIdx(boolean value) {
        return new LogOptions(onStep, onEpoch, progBar, logger, reduce, batchSize, syncDist, value);
    }

    public boolean isAddDataloaderIdx() {
        return addDataloaderIdx;
    }

    /** {@code null} when left to the hook's default. */
    public Boolean onStep() {
        return onStep;
    }

    /** {@code null} when left to the hook's default. */
    public Boolean onEpoch() {
        return onEpoch;
    }

    public boolean isProgBar() {
        return progBar;
    }

    public boolean isLogger() {
        return logger;
    }

    public Reduce reduce() {
        return reduce;
    }

    /** The explicit batch size, or -1 to use the current batch's size. */
    public int batchSize() {
        return batchSize;
    }

    public boolean isSyncDist() {
        return syncDist;
    }
}
