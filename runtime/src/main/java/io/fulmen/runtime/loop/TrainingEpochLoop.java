package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.data.DistributedShard;
import io.fulmen.optim.Interval;
import io.fulmen.runtime.config.TrainerSettings;
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
    private final DataLoader train;
    private final long numBatches;

    TrainingEpochLoop(RunContext run, Optimization optimization, Backward backward, FitValidation validation,
                      StopRules stop, DataLoader train, long numBatches) {
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
        if (train.source() instanceof DistributedShard shard) {
            shard.epoch(shuffleSeed(epoch));
        }
        try (BatchStream stream = train.open(run.manager, shuffleSeed(epoch), first, numBatches - first)) {
            int idx = (int) first;
            while (stream.hasNext()) {
                run.checkCancelled();
                boolean endEpoch;
                try (Batch batch = stream.next()) {
                    endEpoch = runBatch(batch, idx);
                }
                idx++;
                if (endEpoch || stop.maxStepsReached() || stop.stopRequestedAndAllowed()) {
                    break;
                }
            }
        }
        optimization.stepSchedules(Interval.EPOCH);
        progress.epochBatchesDone();
        run.bridge.enter(MetricStore.Scope.TRAIN, false, 1);
        // Epoch values are visible to every callback, and what the module logs at epoch end to the monitors.
        Map<String, Double> epochMetrics = new LinkedHashMap<>(state.metrics().publishEpoch(MetricStore.Scope.TRAIN));
        hooks.trainEpochEnd(() -> epochMetrics.putAll(state.metrics().publishEpoch(MetricStore.Scope.TRAIN)));
        run.logToLoggers(epochMetrics, Math.max(0, state.batchesThatStepped() - 1), true);
        state.loggerConnector().save();
        progress.epochEnded();
    }

    /** One training batch; returns true when the module asked to end the epoch. */
    private boolean runBatch(Batch raw, int batchIdx) {
        Batch batch = run.strategy.batchToDevice(raw, module, 0);
        run.bridge.enter(MetricStore.Scope.TRAIN, true, batch.getSize(), batchIdx);
        if (!hooks.trainBatchStart(batch, batchIdx)) {
            return true;
        }
        boolean isLast = batchIdx == numBatches - 1;
        int accumulate = settings.accumulateGradBatches();
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
        return false;
    }

    /**
     * Lightning's automatic optimization: the closure (training step, zero_grad, backward) runs inside the
     * module's {@code optimizerStep}, or alone while gradients accumulate; schedules step after a real step.
     */
    private NDArray automaticStep(Batch batch, int batchIdx, boolean accumulating) {
        LightningOptimizer optimizer = optimization.optimizers().get(0);
        TrainingClosure closure = new TrainingClosure(run, backward, batch, batchIdx, optimizer,
                batchIdx % settings.accumulateGradBatches() == 0);
        if (accumulating) {
            closure.run();
        } else {
            module.optimizerStep(state.currentEpoch(), batchIdx, optimizer, closure);
            if (!closure.skipped()) {
                optimization.stepSchedules(Interval.STEP);
            }
        }
        return closure.loss();
    }

    private boolean shouldLogNow() {
        return (state.batchesThatStepped() + 1) % settings.logEveryNSteps() == 0 || state.shouldStop();
    }

    private long shuffleSeed(int epoch) {
        long base = train.seed() != null ? train.seed() : settings.seed() != null ? settings.seed() : 0L;
        long z = base + 0x9E3779B97F4A7C15L * (epoch + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }
}
