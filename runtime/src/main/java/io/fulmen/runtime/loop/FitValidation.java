package io.fulmen.runtime.loop;

import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.internal.HookOverrides;
import io.fulmen.runtime.config.BatchLimit;
import io.fulmen.runtime.config.TrainerSettings;
import io.fulmen.runtime.metrics.MetricStore;

/**
 * Validation inside fit: the sanity check before training, and when validation is due during an epoch
 * ({@code val_check_interval}, {@code check_val_every_n_epoch}, a stop request), as Lightning's training epoch loop
 * decides it. The validation loader is asked for once, when first needed.
 */
final class FitValidation {
    private final RunContext run;
    private final DataSources data;
    private final TrainerSettings settings;
    private final StopRules stop;
    private final EvaluationLoop evaluation;
    private DataLoader loader;
    private boolean loaderResolved;
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
            DataLoader val = loader();
            if (val != null) {
                long limit = settings.limitValBatches().of(val.numBatches(), "limit_val_batches");
                evaluation.run(Stage.VALIDATE, val, steps > 0 ? Math.min(limit, steps) : limit, true, 0);
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
        run.state.numValBatches(enabled()
                ? settings.limitValBatches().of(loader().numBatches(), "limit_val_batches") : 0);
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
        DataLoader val = loader();
        long limit = settings.limitValBatches().of(val.numBatches(), "limit_val_batches");
        evaluation.run(Stage.VALIDATE, val, limit, true, Math.max(0, run.state.batchesThatStepped() - 1));
        run.bridge.enter(MetricStore.Scope.TRAIN, true, 1);
    }

    private DataLoader loader() {
        if (!loaderResolved) {
            loaderResolved = true;
            loader = Sharding.of(run, data.val());
        }
        return loader;
    }

    /** limit_val_batches above zero and a validationStep: Lightning's {@code enable_validation}. */
    private boolean configured() {
        BatchLimit limit = settings.limitValBatches();
        boolean none = limit.isCount() ? limit.count() == 0 : limit.fraction() == 0.0;
        return !none && HookOverrides.isOverridden(run.module, LightningModule.class, "validationStep", Batch.class,
                int.class);
    }

    private boolean enabled() {
        if (enabled == null) {
            if (!configured() || !data.valDefined()) {
                enabled = false;
            } else {
                DataLoader val = loader();
                enabled = val != null && val.numBatches() > 0;
            }
        }
        return enabled;
    }
}
