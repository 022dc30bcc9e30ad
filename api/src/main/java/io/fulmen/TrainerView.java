package io.fulmen;

import io.fulmen.optim.OptimizerConfig;
import ai.djl.Device;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.ExperimentLogger;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What callbacks and modules may read of the running Trainer (Lightning's {@code trainer} attribute), plus
 * {@link #requestStop()}, Lightning's {@code trainer.should_stop = True}.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public interface TrainerView {
    /** The entry point running now, or {@code null} between calls. */
    Stage stage();

    /** True while the sanity validation before training runs. */
    boolean isSanityChecking();

    /** True while a training batch or training epoch hook runs. */
    boolean isTraining();

    int currentEpoch();

    /** Number of optimizer steps taken (Lightning's {@code global_step}). */
    long globalStep();

    /** Maximum epochs after defaults are resolved; -1 for unbounded. */
    int maxEpochs();

    /** Maximum optimizer steps; -1 for unbounded. */
    long maxSteps();

    /**
     * Training batches per epoch after limits; -1 when the loader length is unknown. Asked for during fit before the
     * epochs start (in {@code configureOptimizers}), it loads the training data to tell, as Lightning does.
     */
    long numTrainingBatches();

    /**
     * Lightning's {@code estimated_stepping_batches}: the optimizer steps fit will take (max_epochs × training batches
     * per epoch ÷ accumulate_grad_batches, capped by max_steps); -1 when training is unbounded. Readable in
     * {@code configureOptimizers}, to size per-step learning-rate schedules.
     */
    long estimatedSteppingBatches();

    /**
     * Validation batches of one validation run during fit after limits (Lightning's {@code num_val_batches}); 0 when
     * fit does not validate, -1 before fit has looked at the validation data.
     */
    long numValBatches();

    /**
     * Batches of the validation, test or predict run in progress after limits (what its progress bar counts to);
     * -1 when none runs or the loader's length is unknown.
     */
    long numEvaluationBatches();

    /** The loop arguments: when validation runs, how long training lasts, {@code fast_dev_run}. */
    LoopConfig config();

    /** Metrics visible to callbacks (the latest step values and the last epoch values). */
    Map<String, Double> callbackMetrics();

    /** Metrics that were sent to the loggers, latest values. */
    Map<String, Double> loggedMetrics();

    /** Metrics shown in the progress bar. */
    Map<String, Double> progressBarMetrics();

    List<ExperimentLogger> loggers();

    /** The root directory for logs and checkpoints ({@code default_root_dir}). */
    Path defaultRootDir();

    /** The first logger's directory, or the root directory when there is no logger. */
    Path logDir();

    /**
     * The checkpoint the current (or last) call started from, or null (Lightning's {@code trainer.ckpt_path}).
     *
     * @since 0.2.0
     */
    default Path ckptPath() {
        return null;
    }

    /** Whether a stop was requested (by a callback, {@link #requestStop()} or another thread). */
    boolean shouldStop();

    /** Asks training to stop at the next batch boundary, as Lightning's {@code should_stop}; thread-safe. */
    void requestStop();

    /** The rank of this process among all processes (0 on a single process). */
    int globalRank();

    int worldSize();

    /** Waits until every process reaches the barrier called {@code name} (a no-op on a single process). */
    void barrier(String name);

    /**
     * One decision for every process (Lightning's {@code strategy.reduce_boolean_decision}): true when every
     * process decided true ({@code all}), or when any did.
     */
    boolean reduceBooleanDecision(boolean decision, boolean all);

    /** Learning rates of every optimizer, in order, as they are now. */
    List<Float> learningRates();

    /**
     * Writes a checkpoint of the running fit to {@code file} atomically (Lightning's
     * {@code trainer.save_checkpoint}): everything needed to resume exactly, or only the model's parameters when
     * {@code weightsOnly}. Only during fit; only the process that {@code writesCheckpoints} writes.
     */
    void saveCheckpoint(Path file, boolean weightsOnly);

    /**
     * Removes a checkpoint through the strategy's checkpoint I/O (Lightning's {@code strategy.remove_checkpoint}),
     * after the saves issued before it; only the process that {@code writesCheckpoints} removes.
     */
    void removeCheckpoint(Path file);

    /** The optimizers of the current fit, empty outside fit. */
    List<LightningOptimizer> optimizers();

    /**
     * Batches whose gradients are summed before each optimizer step, now (Lightning's
     * {@code trainer.accumulate_grad_batches}); the Trainer's setting unless a callback changed it for this fit.
     */
    default int accumulateGradBatches() {
        return config().accumulateGradBatches();
    }

    /**
     * Changes gradient accumulation for the rest of this fit, from the next training batch on (what Lightning's
     * {@code GradientAccumulationScheduler} does at epoch start).
     */
    default void setAccumulateGradBatches(int value) {
        throw new UnsupportedOperationException("this Trainer view cannot change gradient accumulation");
    }

    /**
     * Stops every learning-rate schedule of the current fit, leaving the rates as they are, for the rest of the fit
     * and in fits resumed from its checkpoints: a callback that takes the learning rate over (as
     * {@code StochasticWeightAveraging} does, where Lightning replaces {@code trainer.lr_scheduler_configs}) calls it.
     */
    default void clearLrSchedulers() {
        throw new UnsupportedOperationException("this Trainer view cannot change learning-rate schedules");
    }

    /**
     * The optimizers of the current fit that have a schedule, with it (Lightning's
     * {@code trainer.lr_scheduler_configs}), in {@code configureOptimizers} order; empty outside fit.
     */
    default List<OptimizerConfig.Entry> lrSchedulerConfigs() {
        return List.of();
    }

    /**
     * The Trainer's accelerator (Lightning's {@code trainer.accelerator}), e.g. for its
     * {@linkplain Accelerator#deviceStats device statistics}.
     *
     * @return the accelerator the Trainer was built with
     * @throws UnsupportedOperationException when this view does not know it
     * @since 0.2.0
     */
    default Accelerator accelerator() {
        throw new UnsupportedOperationException(getClass().getName() + " does not expose the accelerator");
    }

    /**
     * The device this process trains on (Lightning's {@code trainer.strategy.root_device}).
     *
     * @return the strategy's root device
     * @throws UnsupportedOperationException when this view does not know it
     * @since 0.2.0
     */
    default Device rootDevice() {
        throw new UnsupportedOperationException(getClass().getName() + " does not expose the root device");
    }
}
