package io.fulmen.runtime.tuner;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

import java.util.ArrayList;
import java.util.List;

/**
 * Lightning's {@code _LRCallback} with its learning-rate schedule: before every batch the optimizers get the
 * learning rate of the current iteration; after every batch that stepped, the loss is smoothed (an exponential
 * moving average with beta 0.98, bias-corrected as Lightning does) and recorded, and the search stops once the
 * smoothed loss exceeds {@code early_stop_threshold} times the best one.
 */
final class LrRangeCallback implements Callback {
    private static final double BETA = 0.98;

    private final LrFindOptions options;
    final List<Double> lrs = new ArrayList<>();
    final List<Double> losses = new ArrayList<>();
    private long startStep;
    private long lastStep;
    private double lr;
    private double avgLoss;
    private double bestLoss = Double.POSITIVE_INFINITY;

    LrRangeCallback(LrFindOptions options) {
        this.options = options;
    }

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        startStep = trainer.globalStep();
        lastStep = startStep;
    }

    @Override
    public void onTrainBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx) {
        lr = options.lrAt(trainer.globalStep() - startStep);
        for (LightningOptimizer o : trainer.optimizers()) {
            o.optimizer().setLearningRate((float) lr);
        }
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        long step = trainer.globalStep();
        if (step == lastStep) {
            return; // gradients are accumulating: Lightning records only batches that stepped
        }
        lastStep = step;
        lrs.add(lr);
        if (loss == null) {
            losses.add(Double.NaN);
            return;
        }
        double current = loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        long currentStep = step - startStep;
        avgLoss = BETA * avgLoss + (1 - BETA) * current;
        double smoothed = avgLoss / (1 - Math.pow(BETA, currentStep + 1));
        Double threshold = options.earlyStopThreshold();
        if (threshold != null && currentStep > 1 && smoothed > threshold * bestLoss) {
            trainer.requestStop();
        }
        if (smoothed < bestLoss || currentStep == 1) {
            bestLoss = smoothed;
        }
        losses.add(smoothed);
    }
}
