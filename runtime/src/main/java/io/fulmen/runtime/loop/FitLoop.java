package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.config.BatchLimit;
import io.fulmen.runtime.config.TrainerSettings;
import io.fulmen.runtime.checkpoint.Checkpoint;
import io.fulmen.runtime.checkpoint.CheckpointWriter;
import io.fulmen.runtime.metrics.MetricStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code Trainer.fit}: optimizers, sanity check, epochs of training batches with validation when due, in
 * Lightning's hook order ({@code shared/anchors/hook_order_fit.txt}).
 */
public final class FitLoop {
    private static final Logger LOG = LoggerFactory.getLogger(FitLoop.class);

    private final RunContext run;
    private final DataSources data;
    private final TrainerSettings settings;
    private final TrainerState state;
    private final LightningModule module;
    private final EvaluationLoop evaluation;
    private Optimization optimization;
    private DataLoader valLoader;
    private boolean valResolved;
    private long numTrainBatches;
    private long valCheckBatch;
    private long totalBatchIdx;
    private boolean deferredStopLogged;
    private Boolean validationEnabled;

    private final Checkpoint resumeFrom;
    private final String resumeOrigin;
    private long startBatch;
    private long batchesDoneInEpoch;
    private boolean epochFinished;

    /** A checkpoint to resume from, and where it was read (for messages). */
    public record Resume(Checkpoint checkpoint, String origin) {}

    /** A fit that resumes from {@code resume}, or from scratch when it is null. */
    public FitLoop(RunContext run, DataSources data, Resume resume) {
        this.run = run;
        this.data = data;
        this.resumeFrom = resume == null ? null : resume.checkpoint();
        this.resumeOrigin = resume == null ? null : resume.origin();
        this.settings = run.settings;
        this.state = run.state;
        this.module = run.module;
        this.evaluation = new EvaluationLoop(run);
    }

    /** Runs fit after setup hooks; the Trainer calls setup/teardown around it. */
    public void run() {
        OptimizerConfig config = module.configureOptimizers();
        if (config == null || config.entries().isEmpty()) {
            throw new IllegalStateException("configureOptimizers returned no optimizer");
        }
        if (module.isAutomaticOptimization() && config.entries().size() > 1) {
            throw new IllegalStateException("automatic optimization supports one optimizer, configureOptimizers "
                    + "returned " + config.entries().size() + ": call setAutomaticOptimization(false) and step "
                    + "them in trainingStep");
        }
        optimization = new Optimization(run, config);
        state.optimizers(optimization.optimizers());
        run.bridge.backward(this::backward);
        state.saver(this::save);
        try {
            if (resumeFrom != null) {
                resume();
            }
            fit();
        } finally {
            state.saver(null);
            state.optimizers(java.util.List.of());
            optimization.release();
        }
    }

    private void resume() {
        FitCheckpoint.restoreParameters(run, resumeFrom, resumeOrigin);
        FitCheckpoint.Progress p = FitCheckpoint.restoreTraining(run, optimization, resumeFrom, resumeOrigin);
        int epoch = p.epochFinished() ? p.epoch() + 1 : p.epoch();
        state.restoreCounters(epoch, p.globalStep(), p.batchesThatStepped());
        startBatch = p.epochFinished() ? 0 : p.batchesDoneInEpoch();
        totalBatchIdx = p.totalBatchIdx();
        LOG.info("Restored training state from {}: epoch {}, global step {}, batch {} of the epoch", resumeOrigin,
                epoch, p.globalStep(), startBatch);
    }

    /** Writes a checkpoint of the fit as it stands (called through {@code TrainerView.saveCheckpoint}). */
    private void save(Path file, boolean weightsOnly) {
        FitCheckpoint.Progress p = new FitCheckpoint.Progress(state.currentEpoch(), state.globalStep(),
                state.batchesThatStepped(), batchesDoneInEpoch, epochFinished, totalBatchIdx);
        try (NDManager scratch = run.manager.newSubManager()) {
            CheckpointWriter.write(file, FitCheckpoint.capture(run, optimization, p, weightsOnly, scratch));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private void fit() {
        run.eachCallback(c -> c.onFitStart(state, module));
        module.onFitStart();
        optimization.zeroAll();
        sanityCheck();
        DataLoader train = data.train();
        if (train == null) {
            throw new IllegalStateException("no training data: pass a train loader to fit, or return one from "
                    + "trainDataloader() of the DataModule or the module");
        }
        numTrainBatches = settings.limitTrainBatches().of(train.numBatches(), "limit_train_batches");
        state.numTrainingBatches(numTrainBatches);
        valCheckBatch = valCheckBatch(numTrainBatches);
        state.maxEpochs(settings.effectiveMaxEpochs());
        state.maxSteps(settings.maxSteps());
        state.training(true);
        boolean previousGrad = run.autograd.setGradEnabled(true);
        try {
            run.eachCallback(c -> c.onTrainStart(state, module));
            module.onTrainStart();
            while (!fitDone()) {
                runEpoch(train);
            }
            state.training(false);
            run.eachCallback(c -> c.onTrainEnd(state, module));
            module.onTrainEnd();
        } finally {
            run.autograd.setGradEnabled(previousGrad);
            state.training(false);
        }
        run.eachCallback(c -> c.onFitEnd(state, module));
        module.onFitEnd();
    }

    private void sanityCheck() {
        int steps = settings.numSanityValSteps();
        if (steps == 0 || !validationConfigured() || !data.valDefined()) {
            return;
        }
        state.sanityChecking(true);
        try {
            run.eachCallback(c -> c.onSanityCheckStart(state, module));
            DataLoader loader = valLoader();
            if (loader == null) {
                run.eachCallback(c -> c.onSanityCheckEnd(state, module));
                return;
            }
            long limit = settings.limitValBatches().of(loader.numBatches(), "limit_val_batches");
            if (steps > 0) {
                limit = Math.min(limit, steps);
            }
            evaluation.validate(loader, limit, true, 0);
            run.eachCallback(c -> c.onSanityCheckEnd(state, module));
        } finally {
            state.sanityChecking(false);
        }
    }

    private DataLoader valLoader() {
        if (!valResolved) {
            valResolved = true;
            valLoader = data.val();
        }
        return valLoader;
    }

    /** limit_val_batches above zero and a validationStep: Lightning's {@code enable_validation}. */
    private boolean validationConfigured() {
        BatchLimit limit = settings.limitValBatches();
        boolean none = limit.isCount() ? limit.count() == 0 : limit.fraction() == 0.0;
        return !none && overridesValidationStep();
    }

    private boolean validationEnabled() {
        if (validationEnabled == null) {
            if (!validationConfigured() || !data.valDefined()) {
                validationEnabled = false;
            } else {
                DataLoader loader = valLoader();
                validationEnabled = loader != null && loader.numBatches() > 0;
            }
        }
        return validationEnabled;
    }

    private boolean overridesValidationStep() {
        try {
            return module.getClass().getMethod("validationStep", Batch.class, int.class).getDeclaringClass()
                    != LightningModule.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private long valCheckBatch(long trainBatches) {
        BatchLimit interval = settings.valCheckInterval();
        if (interval.isCount()) {
            if (settings.checkValEveryNEpoch() != null && interval.count() > trainBatches) {
                throw new IllegalArgumentException("val_check_interval=" + interval.count() + " must be at most the "
                        + "number of training batches (" + trainBatches + "), or set checkValEveryNEpoch(null) to "
                        + "count it across epochs");
            }
            return Math.max(1, interval.count());
        }
        return Math.max(1, (long) (trainBatches * interval.fraction()));
    }

    private boolean maxStepsReached() {
        return settings.maxSteps() != -1 && state.globalStep() >= settings.maxSteps();
    }

    private boolean canStopEarly() {
        return state.currentEpoch() >= settings.minEpochs() && state.globalStep() >= settings.minSteps();
    }

    private boolean fitDone() {
        if (numTrainBatches == 0) {
            return true;
        }
        int maxEpochs = settings.effectiveMaxEpochs();
        if (maxEpochs != -1 && state.currentEpoch() >= maxEpochs) {
            return true;
        }
        if (maxStepsReached()) {
            return true;
        }
        if (state.shouldStop()) {
            if (canStopEarly()) {
                return true;
            }
            if (!deferredStopLogged) {
                deferredStopLogged = true;
                LOG.info("Trainer was asked to stop but min_epochs={} or min_steps={} is not reached yet; training "
                        + "continues until it is", settings.minEpochs(), settings.minSteps());
            }
        }
        return false;
    }

    private long shuffleSeed(int epoch, DataLoader loader) {
        long base = loader.seed() != null ? loader.seed() : settings.seed() != null ? settings.seed() : 0L;
        long z = base + 0x9E3779B97F4A7C15L * (epoch + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }

    private void runEpoch(DataLoader train) {
        int epoch = state.currentEpoch();
        long first = startBatch;
        startBatch = 0;
        batchesDoneInEpoch = first;
        epochFinished = false;
        run.bridge.enter(MetricStore.Scope.TRAIN, false, 1);
        run.eachCallback(c -> c.onTrainEpochStart(state, module));
        module.onTrainEpochStart();
        try (BatchStream stream = train.open(run.manager, shuffleSeed(epoch, train), first,
                numTrainBatches - first)) {
            int idx = (int) first;
            while (stream.hasNext()) {
                run.checkCancelled();
                boolean endEpoch;
                try (Batch batch = stream.next()) {
                    endEpoch = runBatch(batch, idx);
                }
                idx++;
                if (endEpoch || maxStepsReached() || state.shouldStop() && canStopEarly()) {
                    break;
                }
            }
        }
        optimization.stepSchedules(Interval.EPOCH);
        epochFinished = true;
        run.bridge.enter(MetricStore.Scope.TRAIN, false, 1);
        // Lightning's order: epoch values visible to every callback, then plain callbacks, the module, and the
        // monitoring callbacks last so they see what the module logged at epoch end.
        Map<String, Double> epochMetrics = new LinkedHashMap<>(state.metrics().publishEpoch(MetricStore.Scope.TRAIN));
        run.eachCallback(c -> {
            if (!c.monitorsMetrics()) {
                c.onTrainEpochEnd(state, module);
            }
        });
        module.onTrainEpochEnd();
        epochMetrics.putAll(state.metrics().publishEpoch(MetricStore.Scope.TRAIN));
        run.eachCallback(c -> {
            if (c.monitorsMetrics()) {
                c.onTrainEpochEnd(state, module);
            }
        });
        run.logToLoggers(epochMetrics, Math.max(0, state.batchesThatStepped() - 1), true);
        state.loggerConnector().save();
        state.currentEpoch(epoch + 1);
    }

    /** One training batch; returns true when the module asked to end the epoch. */
    private boolean runBatch(Batch raw, int batchIdx) {
        Batch batch = BatchTransfer.toDevice(run, raw, 0);
        run.bridge.enter(MetricStore.Scope.TRAIN, true, batch.getSize());
        run.eachCallback(c -> c.onTrainBatchStart(state, module, batch, batchIdx));
        if (module.onTrainBatchStart(batch, batchIdx) == -1) {
            return true;
        }
        boolean isLast = batchIdx == numTrainBatches - 1;
        int accumulate = settings.accumulateGradBatches();
        boolean accumulating = !((batchIdx + 1) % accumulate == 0 || isLast);
        NDArray loss;
        boolean stepped;
        if (module.isAutomaticOptimization()) {
            LightningOptimizer optimizer = optimization.optimizers().get(0);
            TrainingClosure closure = new TrainingClosure(run, this, batch, batchIdx, optimizer,
                    batchIdx % accumulate == 0);
            if (accumulating) {
                closure.run();
                stepped = false;
            } else {
                module.optimizerStep(state.currentEpoch(), batchIdx, optimizer, closure);
                stepped = !closure.skipped();
            }
            loss = closure.loss();
        } else {
            loss = module.trainingStep(batch, batchIdx);
            stepped = true;
        }
        if (stepped && module.isAutomaticOptimization()) {
            optimization.stepSchedules(Interval.STEP);
        }
        Map<String, Double> stepMetrics = state.metrics().publishStep(MetricStore.Scope.TRAIN);
        if (!accumulating && shouldLogNow()) {
            run.logToLoggers(stepMetrics, state.batchesThatStepped(), true);
        }
        if (!accumulating) {
            state.incrementBatchesThatStepped();
        }
        totalBatchIdx++;
        batchesDoneInEpoch = batchIdx + 1L;
        run.eachCallback(c -> c.onTrainBatchEnd(state, module, loss, batch, batchIdx));
        module.onTrainBatchEnd(loss, batch, batchIdx);
        if (shouldValidate(batchIdx, isLast)) {
            runValidation();
        }
        return false;
    }

    private boolean shouldLogNow() {
        return (state.batchesThatStepped() + 1) % settings.logEveryNSteps() == 0 || state.shouldStop();
    }

    private boolean shouldValidate(int batchIdx, boolean isLast) {
        Integer every = settings.checkValEveryNEpoch();
        if (every != null && (state.currentEpoch() + 1) % every != 0) {
            return false;
        }
        if (!validationEnabled()) {
            return false;
        }
        if (state.shouldStop() && canStopEarly()) {
            return true;
        }
        long iteration = every == null ? totalBatchIdx - 1 : batchIdx;
        return (iteration + 1) % valCheckBatch == 0 || isLast && !settings.valCheckInterval().isCount()
                && settings.valCheckInterval().fraction() == 1.0;
    }

    private void runValidation() {
        DataLoader loader = valLoader();
        long limit = settings.limitValBatches().of(loader.numBatches(), "limit_val_batches");
        evaluation.validate(loader, limit, true, Math.max(0, state.batchesThatStepped() - 1));
        run.bridge.enter(MetricStore.Scope.TRAIN, true, 1);
    }

    /** Backward with hooks, precision and strategy: the path of automatic and manual optimization alike. */
    void backward(NDArray loss) {
        run.eachCallback(c -> c.onBeforeBackward(state, module, loss));
        module.onBeforeBackward(loss);
        NDArray scaled = run.precision.preBackward(loss);
        run.autograd.backward(scaled);
        optimization.gradientsChanged();
        run.strategy.afterBackward(optimization.parameterValuesOf(optimization.optimizers().get(0)));
        run.eachCallback(c -> c.onAfterBackward(state, module));
        module.onAfterBackward();
    }
}
