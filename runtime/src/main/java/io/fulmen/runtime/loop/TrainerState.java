package io.fulmen.runtime.loop;

import ai.djl.Device;
import io.fulmen.LightningOptimizer;
import io.fulmen.LoopConfig;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.logger.LoggerConnector;
import io.fulmen.runtime.metrics.MetricStore;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.Strategy;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The Trainer's progress and metrics, readable from any thread: what {@link TrainerView} shows. Written only by
 * the thread running the loops, except {@link #requestStop()} and {@link #cancel()}.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class TrainerState implements TrainerView {
    private final MetricStore metrics;
    private final LoggerConnector loggers;
    private final Path rootDir;
    private final Strategy strategy;
    private final Accelerator accelerator;

    private volatile Stage stage;
    private volatile boolean sanityChecking;
    private volatile boolean training;
    private final FitProgress progress = new FitProgress();
    private volatile long numTrainingBatches = -1;
    private volatile Thread fitThread;
    private volatile LongSupplier trainBatchesOnDemand;
    private volatile long numValBatches = -1;
    private volatile String fitStopReason;
    private volatile Path ckptPath;
    private volatile long numEvaluationBatches = -1;
    private final LoopConfig config;
    private volatile boolean shouldStop;
    private volatile boolean cancelled;
    private volatile List<LightningOptimizer> optimizers = List.of();
    private volatile int accumulateGradBatches;
    private volatile LrSchedules lrSchedules;
    private volatile CheckpointSaver saver;

    public TrainerState(LoopConfig config, MetricStore metrics, LoggerConnector loggers, Path rootDir,
                        Strategy strategy, Accelerator accelerator) {
        this.config = config;
        this.metrics = metrics;
        this.loggers = loggers;
        this.rootDir = rootDir;
        this.strategy = strategy;
        this.accelerator = accelerator;
    }

    public MetricStore metrics() {
        return metrics;
    }

    @Override
    public Stage stage() {
        return stage;
    }

    void stage(Stage s) {
        this.stage = s;
    }

    /**
     * Starts a fit/validate/test/predict call: the stage is set and a stop request is cleared. A cancel request is
     * kept — one that arrives just before a call starts cancels that call — and cleared when a call ends.
     */
    public void resetForCall(Stage s, Path ckptPath) {
        this.stage = s;
        this.ckptPath = ckptPath;
        this.shouldStop = false;
        this.sanityChecking = false;
        this.training = false;
    }

    /** Ends a call. */
    public void endCall() {
        this.stage = null;
        this.cancelled = false;
        this.sanityChecking = false;
        this.training = false;
    }

    @Override
    public boolean isSanityChecking() {
        return sanityChecking;
    }

    void sanityChecking(boolean v) {
        this.sanityChecking = v;
    }

    @Override
    public boolean isTraining() {
        return training;
    }

    void training(boolean v) {
        this.training = v;
    }

    /**
     * Captures the fit counters (epoch, global step…); running the returned action puts them back, as a tuner does
     * after its trial fits (Lightning restores them from the checkpoint it saved first).
     */
    public Runnable progressRestorer() {
        FitProgress.Snapshot saved = progress.snapshot();
        return () -> progress.restore(saved);
    }

    /** The fit counters, owned here so that they outlive a call, as a Trainer's do in Lightning. */
    FitProgress progress() {
        return progress;
    }

    @Override
    public int currentEpoch() {
        return progress.currentEpoch();
    }

    @Override
    public long globalStep() {
        return progress.globalStep();
    }

    /** Lightning's {@code _batches_that_stepped}: the step number loggers see. */
    public long batchesThatStepped() {
        return progress.batchesThatStepped();
    }

    @Override
    public int maxEpochs() {
        return config.maxEpochs();
    }

    @Override
    public long maxSteps() {
        return config.maxSteps();
    }

    @Override
    public long numTrainingBatches() {
        long n = numTrainingBatches;
        LongSupplier onDemand = trainBatchesOnDemand;
        if (n < 0 && onDemand != null && Thread.currentThread() == fitThread) {
            n = onDemand.getAsLong(); // Lightning loads the train dataloader early when this is asked for
        }
        return n;
    }

    /**
     * Lightning's {@code estimated_stepping_batches}: the optimizer steps fit will take, from max_epochs, the
     * training batches per epoch, accumulation and max_steps; -1 when training is unbounded. Asked for during fit
     * before the training data was loaded (in {@code configureOptimizers}, to size a schedule), it loads it.
     */
    @Override
    public long estimatedSteppingBatches() {
        int epochs = config.maxEpochs();
        long maxSteps = config.maxSteps();
        if (epochs == -1) {
            return maxSteps;
        }
        long batches = numTrainingBatches();
        if (batches < 0) {
            return maxSteps;
        }
        long perEpoch = (batches + config.accumulateGradBatches() - 1) / config.accumulateGradBatches();
        long estimated = perEpoch * Math.max(epochs, 1);
        return maxSteps != -1 ? Math.min(estimated, maxSteps) : estimated;
    }

    /** During fit, how the training batches per epoch are found when asked for before the epochs start. */
    void trainBatchesOnDemand(LongSupplier supplier) {
        this.fitThread = supplier == null ? null : Thread.currentThread();
        this.trainBatchesOnDemand = supplier;
    }

    void numTrainingBatches(long v) {
        this.numTrainingBatches = v;
    }

    @Override
    public long numValBatches() {
        return numValBatches;
    }

    void numValBatches(long v) {
        this.numValBatches = v;
    }

    @Override
    public long numEvaluationBatches() {
        return numEvaluationBatches;
    }

    void numEvaluationBatches(long v) {
        this.numEvaluationBatches = v;
    }

    /** Why the last fit stopped, in Lightning's words ("`max_epochs=3` reached"); null before one ended. */
    public String fitStopReason() {
        return fitStopReason;
    }

    void fitStopReason(String reason) {
        this.fitStopReason = reason;
    }

    @Override
    public LoopConfig config() {
        return config;
    }

    @Override
    public Map<String, Double> callbackMetrics() {
        return metrics.callbackMetrics();
    }

    @Override
    public Map<String, Double> loggedMetrics() {
        return metrics.loggedMetrics();
    }

    @Override
    public Map<String, Double> progressBarMetrics() {
        return metrics.progressBarMetrics();
    }

    @Override
    public List<ExperimentLogger> loggers() {
        return loggers.loggers();
    }

    /** The loggers' lifecycle: what the loops send metrics through. */
    public LoggerConnector loggerConnector() {
        return loggers;
    }

    @Override
    public Path defaultRootDir() {
        return rootDir;
    }

    @Override
    public Path ckptPath() {
        return ckptPath;
    }

    @Override
    public Path logDir() {
        for (ExperimentLogger l : loggers.loggers()) {
            Path p = l.logDir();
            if (p != null) {
                return p;
            }
        }
        return rootDir;
    }

    @Override
    public boolean shouldStop() {
        return shouldStop;
    }

    @Override
    public void requestStop() {
        shouldStop = true;
    }

    /** Stops whatever runs at the next batch boundary with {@link TrainingCancelledException}; thread-safe. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public int globalRank() {
        return strategy.globalRank();
    }

    @Override
    public int worldSize() {
        return strategy.worldSize();
    }

    @Override
    public void barrier(String name) {
        strategy.barrier(name);
    }

    @Override
    public boolean reduceBooleanDecision(boolean decision, boolean all) {
        return strategy.reduceBooleanDecision(decision, all);
    }

    @Override
    public List<Float> learningRates() {
        List<Float> out = new ArrayList<>();
        for (LightningOptimizer o : optimizers) {
            out.add(o.learningRate());
        }
        return out;
    }

    @Override
    public List<LightningOptimizer> optimizers() {
        return optimizers;
    }

    @Override
    public int accumulateGradBatches() {
        int value = accumulateGradBatches;
        return value > 0 ? value : config.accumulateGradBatches();
    }

    @Override
    public void setAccumulateGradBatches(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("accumulate_grad_batches must be a positive int, got " + value);
        }
        this.accumulateGradBatches = value;
    }

    /** Back to the Trainer's setting, at the start of every fit. */
    void resetAccumulateGradBatches() {
        this.accumulateGradBatches = 0;
    }

    @Override
    public List<OptimizerConfig.Entry> lrSchedulerConfigs() {
        LrSchedules schedules = this.lrSchedules;
        return schedules == null ? List.of() : schedules.configs();
    }

    @Override
    public Accelerator accelerator() {
        return accelerator;
    }

    @Override
    public Device rootDevice() {
        return strategy.rootDevice();
    }

    @Override
    public void saveCheckpoint(Path file, boolean weightsOnly) {
        CheckpointSaver saver = this.saver;
        if (saver == null) {
            throw new IllegalStateException("saveCheckpoint is only available while fit runs");
        }
        saver.save(file, weightsOnly);
    }

    @Override
    public void removeCheckpoint(Path file) {
        strategy.removeCheckpoint(file);
    }

    void saver(CheckpointSaver s) {
        this.saver = s;
    }

    /** Writes a checkpoint of the fit in progress. */
    @FunctionalInterface
    interface CheckpointSaver {
        void save(Path file, boolean weightsOnly);
    }

    void optimizers(List<LightningOptimizer> list) {
        this.optimizers = List.copyOf(list);
    }

    /** The schedules of the fit in progress, or null outside fit. */
    void lrSchedules(LrSchedules schedules) {
        this.lrSchedules = schedules;
    }

    @Override
    public void clearLrSchedulers() {
        LrSchedules schedules = this.lrSchedules;
        if (schedules == null) {
            throw new IllegalStateException("clearLrSchedulers is only available while fit runs");
        }
        schedules.clear();
    }
}
