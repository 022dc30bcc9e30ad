package io.fulmen;

import io.fulmen.spi.ExperimentLogger;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What callbacks and modules may read of the running Trainer (Lightning's {@code trainer} attribute), plus
 * {@link #requestStop()}, Lightning's {@code trainer.should_stop = True}.
 */
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

    /** Training batches per epoch after limits; -1 when the loader length is unknown. */
    long numTrainingBatches();

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

    /** Whether a stop was requested (by a callback, {@link #requestStop()} or another thread). */
    boolean shouldStop();

    /** Asks training to stop at the next batch boundary, as Lightning's {@code should_stop}; thread-safe. */
    void requestStop();

    /** The rank of this process among all processes (0 on a single process). */
    int globalRank();

    int worldSize();

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
}
