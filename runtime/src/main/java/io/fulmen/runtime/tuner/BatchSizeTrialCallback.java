package io.fulmen.runtime.tuner;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Times the steps of one batch-size trial and notes whether one batch already holds the whole dataset. */
final class BatchSizeTrialCallback implements Callback {
    private final List<Long> stepNanos = new ArrayList<>();
    private long started;
    private long batchesPerEpoch = -1;

    @Override
    public void onTrainBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx) {
        if (batchesPerEpoch < 0) {
            batchesPerEpoch = batch.getProgressTotal();
        }
        started = System.nanoTime();
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        stepNanos.add(System.nanoTime() - started);
    }

    int steps() {
        return stepNanos.size();
    }

    /** The median of the steps after the first, or -1 with fewer than two. */
    long medianStepNanos() {
        if (stepNanos.size() < 2) {
            return -1;
        }
        List<Long> rest = new ArrayList<>(stepNanos.subList(1, stepNanos.size()));
        Collections.sort(rest);
        return rest.get(rest.size() / 2);
    }

    /**
     * Lightning's "the batch size is greater or equal than the length of your dataset": an epoch of at most one
     * batch.
     */
    boolean coversDataset() {
        return batchesPerEpoch >= 0 && batchesPerEpoch <= 1;
    }
}
