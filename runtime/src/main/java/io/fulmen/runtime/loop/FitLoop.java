package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDManager;
import io.fulmen.LightningModule;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.checkpoint.Checkpoint;
import io.fulmen.runtime.checkpoint.Checkpoints;
import io.fulmen.runtime.config.TrainerSettings;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code Trainer.fit} (Lightning's {@code _FitLoop}): optimizers, resuming, the sanity check, then training epochs
 * ({@link TrainingEpochLoop}) until a stop rule holds, in Lightning's hook order (recorded from Lightning in
 * {@code runtime/src/test/resources/anchors/}).
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class FitLoop {
    private static final Logger LOG = LoggerFactory.getLogger(FitLoop.class);

    /** A checkpoint to resume from, and where it was read (for messages). */
    public record Resume(Checkpoint checkpoint, String origin) {}

    private final RunContext run;
    private final DataSources data;
    private final TrainerSettings settings;
    private final TrainerState state;
    private final LightningModule module;
    private final Resume resume;
    private final StopRules stop;
    private Optimization optimization;
    private boolean deferredStopLogged;
    private TrainingData train;
    private long numTrainBatches = -1;

    /** A fit that resumes from {@code resume}, or from scratch when it is null. */
    public FitLoop(RunContext run, DataSources data, Resume resume) {
        this.run = run;
        this.data = data;
        this.resume = resume;
        this.settings = run.settings;
        this.state = run.state;
        this.module = run.module;
        this.stop = new StopRules(settings, state);
    }

    /** Runs fit after setup hooks; the Trainer calls setup/teardown around it. */
    public void run() {
        warnIfNotRebuildable();
        state.fitStopReason(null);
        state.resetAccumulateGradBatches();
        state.numTrainingBatches(-1);
        state.numValBatches(-1);
        state.trainBatchesOnDemand(this::trainBatches);
        OptimizerConfig config;
        try {
            config = run.optimizers != null ? run.optimizers.get() : module.configureOptimizers();
        } finally {
            state.trainBatchesOnDemand(null);
        }
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
        state.lrSchedules(optimization.schedules());
        Backward backward = new Backward(run, optimization);
        run.bridge.backward(backward);
        state.saver(this::save);
        try {
            if (resume != null) {
                restore();
            }
            fit(backward);
        } finally {
            state.saver(null);
            state.optimizers(List.of());
            state.lrSchedules(null);
            optimization.release();
        }
    }

    /** Hyperparameters stated three times can drift apart: say so before training, not at loadFromCheckpoint. */
    private void warnIfNotRebuildable() {
        List<String> unsaved = Checkpoints.unsavedHyperparameters(module);
        if (!unsaved.isEmpty() && state.globalRank() == 0) {
            LOG.warn("{}'s constructor takes @HyperParameter {} but saveHyperparameters did not save {}: "
                    + "loadFromCheckpoint will not rebuild it from this fit's checkpoints. Save them, or take one "
                    + "record and call saveHyperparameters(record)", module.getClass().getSimpleName(), unsaved,
                    unsaved.size() == 1 ? "it" : "them");
        }
    }

    private void restore() {
        FitCheckpoint.restoreParameters(run, resume.checkpoint(), resume.origin());
        FitCheckpoint.restoreTraining(run, optimization, state.progress(), resume.checkpoint(), resume.origin());
        LOG.info("Restored training state from {}: epoch {}, global step {}, batch {} of the epoch", resume.origin(),
                state.currentEpoch(), state.globalStep(), state.progress().resumeBatch());
    }

    /** Writes a checkpoint of the fit as it stands, through the strategy ({@code TrainerView.saveCheckpoint}). */
    private void save(Path file, boolean weightsOnly) {
        try (NDManager scratch = run.manager.newSubManager()) {
            Checkpoint checkpoint = FitCheckpoint.capture(run, optimization, state.progress(), weightsOnly, scratch);
            run.strategy.saveCheckpoint(checkpoint.toData(), file);
        }
    }

    private void fit(Backward backward) {
        run.hooks.fitStart();
        optimization.zeroAll();
        FitValidation validation = new FitValidation(run, data, stop);
        validation.sanityCheck();
        long numTrainBatches = trainBatches();
        validation.trainingBatchesKnown(numTrainBatches);
        TrainingEpochLoop epochs = new TrainingEpochLoop(run, optimization, backward, validation, stop, train,
                numTrainBatches);
        int reloadEvery = run.data.reloadDataloadersEveryNEpochs();
        int lastReload = state.currentEpoch();
        state.training(true);
        boolean previousGrad = run.autograd.setGradEnabled(true);
        try {
            run.hooks.trainStart();
            while (!done(numTrainBatches)) {
                if (reloadEvery > 0 && state.currentEpoch() - lastReload >= reloadEvery) {
                    // Lightning's reload_dataloaders_every_n_epochs: the training hook is asked again.
                    lastReload = state.currentEpoch();
                    data.reloadTrain();
                    train = null;
                    numTrainBatches = trainBatches();
                    validation.trainingBatchesKnown(numTrainBatches);
                    epochs = new TrainingEpochLoop(run, optimization, backward, validation, stop, train,
                            numTrainBatches);
                    if (done(numTrainBatches)) {
                        break;
                    }
                }
                epochs.run();
            }
            state.training(false);
            run.hooks.trainEnd();
        } finally {
            run.autograd.setGradEnabled(previousGrad);
            state.training(false);
        }
        run.hooks.fitEnd();
    }

    /** The training loader's batches per epoch after limit_train_batches; the loader is asked for once. */
    private long trainBatches() {
        if (train == null) {
            train = data.train();
            if (train == null) {
                throw new IllegalStateException("no training data: pass a train loader to fit, or return one from "
                        + "trainDataloader() of the DataModule or the module");
            }
            if (run.data.overfitting()) {
                if (train.shuffles()) {
                    LOG.warn("You requested to overfit but enabled train dataloader shuffling. We are turning off the "
                            + "train dataloader shuffling for you.");
                }
                train = train.withoutShuffle();
            }
            train = train.map(loader -> Sharding.of(run, loader));
            numTrainBatches = train.numBatches(run.data.trainLimit(settings));
            state.numTrainingBatches(numTrainBatches);
        }
        return numTrainBatches;
    }

    /** Lightning's {@code _FitLoop.done}: no batches, max_steps, max_epochs, or a stop that min_* allow. */
    private boolean done(long numTrainBatches) {
        String reason = stopReason(numTrainBatches);
        if (reason != null) {
            state.fitStopReason(reason);
            LOG.info("`Trainer.fit` stopped: {}", reason);
            return true;
        }
        return false;
    }

    private String stopReason(long numTrainBatches) {
        if (numTrainBatches == 0) {
            return "no training batches";
        }
        if (stop.maxStepsReached()) {
            return "`max_steps=" + settings.maxSteps() + "` reached";
        }
        int maxEpochs = settings.effectiveMaxEpochs();
        if (maxEpochs != -1 && state.currentEpoch() >= maxEpochs) {
            return "`max_epochs=" + maxEpochs + "` reached";
        }
        if (state.shouldStop()) {
            if (stop.canStopEarly()) {
                return "a stop was requested (`trainer.should_stop`: early stopping, a timer, or requestStop())";
            }
            if (!deferredStopLogged) {
                deferredStopLogged = true;
                LOG.info("Trainer was asked to stop but min_epochs={} or min_steps={} is not reached yet; training "
                        + "continues until it is", settings.minEpochs(), settings.minSteps());
            }
        }
        return null;
    }
}
