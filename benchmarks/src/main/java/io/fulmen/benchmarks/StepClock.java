package io.fulmen.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

/**
 * Times the training steps of a fit from inside the Trainer: the first step from {@code on_train_epoch_start}
 * (before the epoch's batch stream opens), each step to its {@code on_train_batch_end}; garbage collections are
 * counted up to {@code on_train_epoch_end}. Trainer construction,
 * plugin discovery and the setup hooks of the {@code fit} call are left out, as the hand-written loop has none.
 */
final class StepClock implements Callback {
    private final StepTimes times = new StepTimes();
    private long firstBatch;
    private float firstLoss = Float.NaN;

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        times.start();
    }

    @Override
    public void onTrainBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx) {
        if (batchIdx == 0) {
            firstBatch = HandwrittenLoop.fingerprint(batch);
        }
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        times.lap();
        if (batchIdx == 0 && loss != null) {
            // after the lap: the step is timed as it ran (the module logs its loss, so it is computed already)
            firstLoss = loss.getFloat();
        }
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        times.finish();
    }

    StepTimes times() {
        return times;
    }

    /** {@link HandwrittenLoop#fingerprint} of the epoch's first batch. */
    long firstBatch() {
        return firstBatch;
    }

    /** The loss of the epoch's first step (NaN if the step returned none). */
    float firstLoss() {
        return firstLoss;
    }
}
