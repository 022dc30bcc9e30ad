package io.fulmen.runtime.tuner;

import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.data.DataSource;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TuningAccess;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Lightning's {@code Tuner}: the learning-rate range test ({@link #lrFind}) and the batch-size search
 * ({@link #scaleBatchSize}). Both run short trial fits on the Trainer (no validation, checkpoints or logging), then
 * put the module's weights and the Trainer's progress back as they were, and write what they found into the
 * module's (or DataModule's) attribute: a non-final field such as {@code lr} / {@code batchSize}, and the saved
 * hyperparameter of that name when there is one.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class Tuner {
    private static final Logger LOG = LoggerFactory.getLogger(Tuner.class);

    private Tuner() {}

    /** {@link #lrFind(Trainer, LightningModule, DataSource, LrFindOptions)} with Lightning's defaults. */
    public static LrFindResult lrFind(Trainer trainer, LightningModule module, DataSource data) {
        return lrFind(trainer, module, data, LrFindOptions.defaults());
    }

    /**
     * The learning-rate range test (Lightning's {@code Tuner.lr_find}): {@code num_training} optimizer steps, the
     * learning rate growing from {@code min_lr} to {@code max_lr} (exponentially or linearly), the smoothed loss
     * recorded after each, stopping early when it diverges. The results and a plot go to the log directory
     * ({@code lr_find.csv}, {@code lr_find.svg}); with {@code update_attr} the suggestion (the steepest descent of
     * the loss) becomes the module's learning rate.
     *
     * @throws IllegalArgumentException with {@code update_attr}, when the module has no learning-rate attribute
     */
    public static LrFindResult lrFind(Trainer trainer, LightningModule module, DataSource data,
                                      LrFindOptions options) {
        LightningDataModule dm = data instanceof LightningDataModule d ? d : null;
        TunedAttribute attr = options.updateAttr() ? lrAttribute(module, dm, options.attrName()) : null;
        LrRangeCallback range = new LrRangeCallback(options);
        TuningAccess.trialFit(trainer, module, data, List.of(range), options.numTraining());
        LrFindResult result = new LrFindResult(range.lrs, range.losses, options);
        if (trainer.strategy().isGlobalZero()) {
            result.save(logDir(trainer));
        }
        Double lr = result.suggestion();
        if (lr == null) {
            LOG.error("Failed to compute suggestion for learning rate because there are not enough points ({}). "
                    + "Increase the loop iteration limits or the size of your dataset/dataloader.",
                    result.lrs().size());
        } else if (attr != null) {
            attr.set(lr);
            LOG.info("Learning rate set to {}", lr);
        }
        return result;
    }

    private static TunedAttribute lrAttribute(LightningModule module, LightningDataModule dm, String name) {
        List<String> names = name.isEmpty() ? List.of("lr", "learning_rate") : List.of(name);
        for (String n : names) {
            TunedAttribute a = TunedAttribute.find(module, dm, n);
            if (a != null) {
                return a;
            }
        }
        throw new IllegalArgumentException("the learning rate finder updates the learning rate it suggests: give "
                + module.getClass().getSimpleName() + " " + TunedAttribute.describe(names) + " (read it in "
                + "configureOptimizers), name another with LrFindOptions.withAttrName, or pass withUpdateAttr(false)");
    }

    private static Path logDir(Trainer trainer) {
        Path dir = trainer.view().logDir();
        if (dir == null) {
            dir = trainer.view().defaultRootDir();
        }
        return dir != null ? dir : Path.of(".");
    }

    /** {@link #scaleBatchSize(Trainer, LightningModule, DataSource, BatchSizeOptions)} with the defaults. */
    public static int scaleBatchSize(Trainer trainer, LightningModule module, DataSource data) {
        return scaleBatchSize(trainer, module, data, BatchSizeOptions.defaults());
    }

    /**
     * The largest batch size that is not too big (Lightning's {@code Tuner.scale_batch_size}): trials of
     * {@code steps_per_trial} steps, the size doubling from {@code init_val} ({@code power}: then half the first
     * size that failed; {@code binsearch}: then bisection), the size set on the module's or DataModule's
     * {@code batch_size} attribute before each trial (the data hooks must read it). What "too big" means on a CPU
     * is in {@link BatchSizeOptions}. The size found stays set, and is returned.
     *
     * @throws IllegalArgumentException when neither the module nor the DataModule has the batch-size attribute
     */
    public static int scaleBatchSize(Trainer trainer, LightningModule module, DataSource data,
                                     BatchSizeOptions options) {
        LightningDataModule dm = data instanceof LightningDataModule d ? d : null;
        TunedAttribute attr = TunedAttribute.find(module, dm, options.batchArgName());
        if (attr == null) {
            throw new IllegalArgumentException("Field " + options.batchArgName() + " not found in "
                    + module.getClass().getSimpleName() + (dm == null ? "" : " nor in " + dm.getClass().getSimpleName())
                    + ": add " + TunedAttribute.describe(List.of(options.batchArgName())) + " and read it in the "
                    + "data hooks, or name another with BatchSizeOptions.withBatchArgName");
        }
        Search search = new Search(trainer, module, data, options, attr);
        int size = options.mode() == BatchSizeOptions.Mode.POWER ? search.power() : search.binsearch();
        attr.set(size);
        LOG.info("Finished batch size finder, will continue with full run using batch size {}", size);
        return size;
    }

    /** Lightning's {@code _run_power_scaling} and {@code _run_binary_scaling}. */
    private record Search(Trainer trainer, LightningModule module, DataSource data, BatchSizeOptions options,
                          TunedAttribute attr) {

        private record Outcome(boolean tooBig, boolean coversDataset) {}

        int power() {
            int size = set(options.initVal());
            boolean anySuccess = false;
            for (int i = 0; i < options.maxTrials(); i++) {
                Outcome out = trial(size);
                if (!out.tooBig()) {
                    if (out.coversDataset()) {
                        LOG.info("The batch size {} is greater or equal than the length of your dataset.", size);
                        break;
                    }
                    size = set(size * 2);
                    anySuccess = true;
                } else {
                    int failed = size;
                    size = set(Math.max(1, size / 2));
                    LOG.info("Batch size {} failed, trying batch size {}", failed, size);
                    if (anySuccess || failed == 1) {
                        break;
                    }
                }
            }
            return size;
        }

        int binsearch() {
            int size = set(options.initVal());
            int low = 1;
            Integer high = null;
            int count = 0;
            while (true) {
                Outcome out = trial(size);
                if (!out.tooBig()) {
                    count++;
                    if (count > options.maxTrials()) {
                        break;
                    }
                    low = size;
                    if (high != null && high - low <= 1) {
                        break;
                    }
                    if (out.coversDataset()) {
                        LOG.info("The batch size {} is greater or equal than the length of your dataset.", size);
                        break;
                    }
                    int next = high != null ? (high + low) / 2 : size * 2;
                    if (next == size) {
                        break;
                    }
                    size = set(next);
                } else {
                    high = size;
                    size = set(Math.max(1, (high + low) / 2));
                    if (high - low <= 1) {
                        break;
                    }
                }
            }
            return size;
        }

        private int set(int size) {
            attr.set(size);
            return size;
        }

        private Outcome trial(int size) {
            BatchSizeTrialCallback timing = new BatchSizeTrialCallback();
            boolean peakReset = ProcessMemory.resetPeak();
            boolean oom = false;
            try {
                TuningAccess.trialFit(trainer, module, data, List.of(timing), options.stepsPerTrial());
            } catch (RuntimeException e) {
                if (!isOutOfMemory(e)) {
                    throw e;
                }
                oom = true;
            }
            long peak = peakReset ? ProcessMemory.peakBytes() : -1;
            if (options.maxMemoryBytes() > 0 && peak < 0) {
                throw new IllegalStateException("maxMemoryBytes needs Linux's /proc/self/status and "
                        + "/proc/self/clear_refs to measure the peak memory of a trial, and they are not available "
                        + "here: use withMaxStepTime or withTooBig instead");
            }
            BatchSizeTrial t = new BatchSizeTrial(size, timing.steps(), timing.medianStepNanos(), peak, oom);
            boolean tooBig = options.isTooBig(t);
            LOG.info("Batch size {} {}: {}", size, tooBig ? "failed" : "succeeded", t);
            return new Outcome(tooBig, timing.coversDataset());
        }
    }

    /** Lightning's {@code is_oom_error}: an out-of-memory message anywhere in the cause chain. */
    static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("out of memory")) {
                return true;
            }
        }
        return false;
    }
}
