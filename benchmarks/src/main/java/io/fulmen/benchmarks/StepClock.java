package io.fulmen.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

/**
 * Times the training epochs of a fit from inside the Trainer: from {@code on_train_epoch_start} (before the epoch's
 * batch stream opens) to {@code on_train_epoch_end} (after it closes), so Trainer construction, plugin discovery and
 * the setup hooks of the {@code fit} call are left out, as the hand-written loop has none of them.
 */
final class StepClock implements Callback {
    private long epochStart;
    private long nanos;
    private long steps;

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        epochStart = System.nanoTime();
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        steps++;
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        nanos += System.nanoTime() - epochStart;
    }

    long nanos() {
        return nanos;
    }

    long steps() {
        return steps;
    }
}
