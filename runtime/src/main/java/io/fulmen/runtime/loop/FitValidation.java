package io.fulmen.runtime.loop;

import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.config.BatchLimit;
import io.fulmen.runtime.config.TrainerSettings;
import io.fulmen.runtime.metrics.MetricStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Validation inside fit: the sanity check before training, and when validation is due during an epoch
 * ({@code val_check_interval}, {@code check_val_every_n_epoch}, a stop request), as Lightning's training epoch loop
 * decides it. The validation loader is asked for once, when first needed.
 */
final class FitValidation {
    private static final Logger LOG = LoggerFactory.getLogger(FitValidation.class);

    private final RunContext run;
    private final DataSources data;
    private final TrainerSettings settings;
    private final StopRules stop;
    private final EvaluationLoop evaluation;
    private List<DataLoader> loaders;
    private int loadedAtEpoch;
    private Boolean enabled;
    private long checkBatch = 1;

    FitValidation(RunContext run, DataSources data, StopRules stop) {
        this.run = run;
        this.data = data;
        this.settings = run.settings;
        this.stop = stop;
        this.evaluation = new EvaluationLoop(run);
    }

    /** Runs {@code num_sanity_val_steps} validation batches before training, their results discarded. */
    void sanityCheck() {
        int steps = settings.numSanityValSteps();
        if (steps == 0 || !configured() || !data.valDefined()) {
            return;
        }
        run.state.sanityChecking(true);
        try {
            run.hooks.sanityCheckStart();
            List<DataLoader> val = loaders();
            if (!val.isEmpty()) {
                long[] limits = limits(val);
                for (int i = 0; i < limits.length; i++) {
                    limits[i] = steps > 0 ? Math.min(limits[i], steps) : limits[i];
                }
                evaluation.run(Stage.VALIDATE, val, limits, true, 0);
            }
            run.hooks.sanityCheckEnd();
        } finally {
            run.state.sanityChecking(false);
        }
    }

    /**
     * Fixes the validation interval in batches once the training epoch's length is known, and tells the view how
     * many batches a validation run has (0 when fit does not validate).
     */
    void trainingBatchesKnown(long trainBatches) {
        run.state.numValBatches(enabled() ? sum(limits(loaders())) : 0);
        BatchLimit interval = settings.valCheckInterval();
        if (interval.isCount()) {
            if (settings.checkValEveryNEpoch() != null && interval.count() > trainBatches) {
                throw new IllegalArgumentException("val_check_interval=" + interval.count() + " must be at most the "
                        + "number of training batches (" + trainBatches + "), or set checkValEveryNEpoch(null) to "
                        + "count it across epochs");
            }
            checkBatch = Math.max(1, interval.count());
        } else {
            checkBatch = Math.max(1, (long) (trainBatches * interval.fraction()));
        }
    }

    /** Whether validation runs after training batch {@code batchIdx} ({@code isLast}: the epoch's last batch). */
    boolean isDue(int batchIdx, boolean isLast) {
        Integer every = settings.checkValEveryNEpoch();
        if (every != null && (run.state.currentEpoch() + 1) % every != 0) {
            return false;
        }
        if (!enabled()) {
            return false;
        }
        if (stop.stopRequestedAndAllowed()) {
            return true;
        }
        long iteration = every == null ? run.state.progress().totalBatchIdx() - 1 : batchIdx;
        return (iteration + 1) % checkBatch == 0 || isLast && !settings.valCheckInterval().isCount()
                && settings.valCheckInterval().fraction() == 1.0;
    }

    /** One validation epoch during training; logged at the last step that stepped. */
    void run() {
        List<DataLoader> val = loaders();
        evaluation.run(Stage.VALIDATE, val, limits(val), true, Math.max(0, run.state.batchesThatStepped() - 1));
        run.bridge.enter(MetricStore.Scope.TRAIN, true, 1);
    }

    private List<DataLoader> loaders() {
        int every = run.data.reloadDataloadersEveryNEpochs();
        int epoch = run.state.currentEpoch();
        if (loaders != null && every > 0 && epoch - loadedAtEpoch >= every) {
            // Lightning's reload_dataloaders_every_n_epochs: the validation hook is asked again.
            data.reloadVal();
            loaders = null;
            enabled = null;
        }
        if (loaders == null) {
            loadedAtEpoch = epoch;
            loaders = data.val().stream().map(loader -> Sharding.of(run, loader)).toList();
            if (run.data.overfitting()) {
                if (loaders.stream().anyMatch(DataLoader::isShuffle)) {
                    LOG.warn("You requested to overfit but enabled val dataloader shuffling. We are turning off the "
                            + "val dataloader shuffling for you.");
                }
                loaders = loaders.stream().map(DataLoader::withoutShuffle).toList();
            }
        }
        return loaders;
    }

    /** Batches of each loader after {@code limit_val_batches}, which applies to each, as in Lightning. */
    private long[] limits(List<DataLoader> val) {
        long[] limits = new long[val.size()];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = run.data.valLimit(settings).of(val.get(i).numBatches(), "limit_val_batches");
        }
        return limits;
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum;
    }

    /** limit_val_batches above zero and a validationStep: Lightning's {@code enable_validation}. */
    private boolean configured() {
        BatchLimit limit = run.data.valLimit(settings);
        boolean none = limit.isCount() ? limit.count() == 0 : limit.fraction() == 0.0;
        return !none && EvaluationLoop.definesStep(run.module, Stage.VALIDATE);
    }

    private boolean enabled() {
        if (enabled == null) {
            if (!configured() || !data.valDefined()) {
                enabled = false;
            } else {
                enabled = sum(limits(loaders())) > 0;
            }
        }
        return enabled;
    }
}
