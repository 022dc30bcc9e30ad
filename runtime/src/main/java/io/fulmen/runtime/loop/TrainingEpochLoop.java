package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.optim.Interval;
import io.fulmen.runtime.config.TrainerSettings;
import io.fulmen.runtime.engine.StepSeeds;
import io.fulmen.runtime.metrics.MetricStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One training epoch (Lightning's {@code _TrainingEpochLoop}): the batches with their hooks, automatic optimization
 * through the closure (with gradient accumulation) or manual optimization, learning-rate schedules, step logging,
 * validation when due, and the epoch-end hooks and metrics.
 */
final class TrainingEpochLoop {
    private final RunContext run;
    private final TrainerSettings settings;
    private final TrainerState state;
    private final FitProgress progress;
    private final LightningModule module;
    private final Hooks hooks;
    private final Optimization optimization;
    private final Backward backward;
    private final FitValidation validation;
    private final StopRules stop;
    private final TrainingData train;
    private final long numBatches;

    TrainingEpochLoop(RunContext run, Optimization optimization, Backward backward, FitValidation validation,
                      StopRules stop, TrainingData train, long numBatches) {
        this.run = run;
        this.settings = run.settings;
        this.state = run.state;
        this.progress = run.state.progress();
        this.module = run.module;
        this.hooks = run.hooks;
        this.optimization = optimization;
        this.backward = backward;
        this.validation = validation;
        this.stop = stop;
        this.train = train;
        this.numBatches = numBatches;
    }

    void run() {
        int epoch = state.currentEpoch();
        long first = progress.epochStarted();
        run.bridge.enter(MetricStore.Scope.TRAIN, false, 1);
        hooks.trainEpochStart();
        boolean allBatches;
        try (TrainingData.Stream stream = train.open(run.manager, epoch, settings.seed(), first,
                numBatches - first)) {
            int idx = (int) first;
            boolean endEpoch = false;
            while (stream.hasNext()) {
                run.checkCancelled();
                try (Batch batch = stream.next()) {
                    endEpoch = runBatch(batch, idx);
                }
                idx++;
                if (endEpoch || stop.maxStepsReached() || stop.stopRequestedAndAllowed()) {
                    break;
                }
            }
            // Lightning's _num_ready_batches_reached: the epoch ran to its end (or the module ended it).
            allBatches = endEpoch || idx >= numBatches;
        }
        optimization.stepSchedules(Interval.EPOCH);
        progress.epochBatchesDone();
        if (allBatches && module.isAutomaticOptimization()) {
            optimization.schedules().plateausDue(Interval.EPOCH, epoch + 1L);
        }
        run.bridge.enter(MetricStore.Scope.TRAIN, false, 1);
        // Epoch values are visible to every callback, and what the module logs at epoch end to the monitors.
        Map<String, Double> epochMetrics = new LinkedHashMap<>(state.metrics().publishEpoch(MetricStore.Scope.TRAIN));
        hooks.trainEpochEnd(() -> epochMetrics.putAll(state.metrics().publishEpoch(MetricStore.Scope.TRAIN)));
        optimization.schedules().stepDuePlateaus(state.callbackMetrics());
        run.logToLoggers(epochMetrics, Math.max(0, state.batchesThatStepped() - 1), true);
        state.loggerConnector().save();
        progress.epochEnded();
    }

    /** One training batch; returns true when the module asked to end the epoch. */
    private boolean runBatch(Batch raw, int batchIdx) {
        if (settings.seed() != null) {
            StepSeeds.seedBatch(run.engine, settings.seed(), progress.totalBatchIdx(), state.globalRank());
        }
        Batch batch = run.strategy.batchToDevice(raw, module, 0);
        run.bridge.enter(MetricStore.Scope.TRAIN, true, batch.getSize(), batchIdx);
        if (!hooks.trainBatchStart(batch, batchIdx)) {
            return true;
        }
        boolean isLast = batchIdx == numBatches - 1;
        int accumulate = state.accumulateGradBatches();
        boolean accumulating = !((batchIdx + 1) % accumulate == 0 || isLast);
        NDArray loss = module.isAutomaticOptimization()
                ? automaticStep(batch, batchIdx, accumulating) : module.trainingStep(batch, batchIdx);
        Map<String, Double> stepMetrics = state.metrics().publishStep(MetricStore.Scope.TRAIN);
        if (!accumulating && shouldLogNow()) {
            run.logToLoggers(stepMetrics, state.batchesThatStepped(), true);
        }
        progress.batchCompleted(batchIdx, !accumulating);
        hooks.trainBatchEnd(loss, batch, batchIdx);
        if (validation.isDue(batchIdx, isLast)) {
            validation.run();
        }
        optimization.schedules().stepDuePlateaus(state.callbackMetrics());
        return false;
    }

    /**
     * Lightning's automatic optimization: the closure (training step, zero_grad, backward) runs inside the
     * module's {@code optimizerStep}, or alone while gradients accumulate; schedules step after a real step.
     */
    private NDArray automaticStep(Batch batch, int batchIdx, boolean accumulating) {
        LightningOptimizer optimizer = optimization.optimizers().get(0);
        TrainingClosure closure = new TrainingClosure(run, backward, batch, batchIdx, optimizer,
                batchIdx % state.accumulateGradBatches() == 0);
        if (accumulating) {
            closure.run();
        } else {
            module.optimizerStep(state.currentEpoch(), batchIdx, optimizer, closure);
            if (!closure.skipped()) {
                optimization.stepSchedules(Interval.STEP);
                optimization.schedules().plateausDue(Interval.STEP, batchIdx + 1L);
            }
        }
        return closure.loss();
    }

    private boolean shouldLogNow() {
        return (state.batchesThatStepped() + 1) % settings.logEveryNSteps() == 0 || state.shouldStop();
    }
}
