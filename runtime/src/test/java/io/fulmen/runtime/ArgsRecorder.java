package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts what the loops do, for {@link TrainerArgumentsTest}: training, validation (outside and inside the sanity
 * check), test and predict batches, epochs started, and when each validation run happened.
 */
class ArgsRecorder implements Callback {
    int trainBatches;
    int valBatches;
    int sanityBatches;
    int testBatches;
    int predictBatches;
    int trainEpochStarts;
    int trainEpochEnds;
    int validationRuns;
    /** For each validation run outside the sanity check: the training batches run so far, over all epochs. */
    final List<Integer> validationAfterTrainBatches = new ArrayList<>();
    /** For each validation run outside the sanity check: the epoch it ran in. */
    final List<Integer> validationEpochs = new ArrayList<>();
    /** Validation batches of each validation run outside the sanity check. */
    final List<Integer> valBatchesPerRun = new ArrayList<>();
    /** The {@code maxEpochs} the Trainer reported when training started. */
    int maxEpochsAtTrainStart = Integer.MIN_VALUE;
    final List<Throwable> exceptions = new ArrayList<>();

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        maxEpochsAtTrainStart = trainer.maxEpochs();
    }

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        trainEpochStarts++;
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        trainEpochEnds++;
    }

    @Override
    public void onTrainBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx) {
        trainBatches++;
    }

    @Override
    public void onValidationStart(TrainerView trainer, LightningModule module) {
        if (!trainer.isSanityChecking()) {
            validationRuns++;
            validationAfterTrainBatches.add(trainBatches);
            validationEpochs.add(trainer.currentEpoch());
            valBatchesPerRun.add(0);
        }
    }

    @Override
    public void onValidationBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                       int dataloaderIdx) {
        if (trainer.isSanityChecking()) {
            sanityBatches++;
        } else {
            valBatches++;
            if (!valBatchesPerRun.isEmpty()) {
                int last = valBatchesPerRun.size() - 1;
                valBatchesPerRun.set(last, valBatchesPerRun.get(last) + 1);
            }
        }
    }

    @Override
    public void onTestBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                 int dataloaderIdx) {
        testBatches++;
    }

    @Override
    public void onPredictBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                    int dataloaderIdx) {
        predictBatches++;
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        afterTrainBatch(trainer, batchIdx);
    }

    /** Tests override this to act after a training batch. */
    void afterTrainBatch(TrainerView trainer, int batchIdx) {}

    @Override
    public void onException(TrainerView trainer, LightningModule module, Throwable error) {
        exceptions.add(error);
    }
}
