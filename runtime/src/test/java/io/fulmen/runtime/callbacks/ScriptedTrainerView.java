package io.fulmen.runtime.callbacks;

import io.fulmen.LightningOptimizer;
import io.fulmen.LoopConfig;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.runtime.checkpoint.FulmenCheckpointIO;
import io.fulmen.spi.ExperimentLogger;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Trainer view whose state the test sets field by field, for driving callbacks without a Trainer. */
class ScriptedTrainerView implements TrainerView {
    Stage stage = Stage.FIT;
    boolean sanity;
    int epoch;
    long step;
    long numTrainingBatches = -1;
    long maxSteps = -1;
    Map<String, Double> metrics = new LinkedHashMap<>();
    List<ExperimentLogger> loggers = List.of();
    Path root = Path.of(".");
    Path logDir;
    boolean stop;
    LoopConfig config = LoopConfig.defaults();
    long numValBatches = 1;

    @Override
    public Stage stage() {
        return stage;
    }

    @Override
    public boolean isSanityChecking() {
        return sanity;
    }

    @Override
    public boolean isTraining() {
        return !sanity;
    }

    @Override
    public int currentEpoch() {
        return epoch;
    }

    @Override
    public long globalStep() {
        return step;
    }

    @Override
    public int maxEpochs() {
        return 1000;
    }

    @Override
    public long maxSteps() {
        return maxSteps;
    }

    @Override
    public long numTrainingBatches() {
        return numTrainingBatches;
    }

    @Override
    public long numEvaluationBatches() {
        return -1;
    }

    @Override
    public long estimatedSteppingBatches() {
        return -1;
    }

    @Override
    public long numValBatches() {
        return numValBatches;
    }

    @Override
    public LoopConfig config() {
        return config;
    }

    /** The Trainer's loop arguments with {@code check_val_every_n_epoch} and {@code val_check_interval} set. */
    void validationSchedule(Integer checkValEveryNEpoch, Number valCheckInterval) {
        LoopConfig d = LoopConfig.defaults();
        config = new LoopConfig(d.maxEpochs(), d.minEpochs(), d.maxSteps(), d.minSteps(), checkValEveryNEpoch,
                valCheckInterval, d.numSanityValSteps(), d.fastDevRun(), d.accumulateGradBatches(),
                d.logEveryNSteps());
    }

    @Override
    public Map<String, Double> callbackMetrics() {
        return metrics;
    }

    @Override
    public Map<String, Double> loggedMetrics() {
        return metrics;
    }

    @Override
    public Map<String, Double> progressBarMetrics() {
        return Map.of();
    }

    @Override
    public List<ExperimentLogger> loggers() {
        return loggers;
    }

    @Override
    public Path defaultRootDir() {
        return root;
    }

    @Override
    public Path logDir() {
        return logDir != null ? logDir : root;
    }

    @Override
    public boolean shouldStop() {
        return stop;
    }

    @Override
    public void requestStop() {
        stop = true;
    }

    @Override
    public int globalRank() {
        return 0;
    }

    @Override
    public int worldSize() {
        return 1;
    }

    @Override
    public void barrier(String name) {}

    @Override
    public boolean reduceBooleanDecision(boolean decision, boolean all) {
        return decision;
    }

    @Override
    public List<Float> learningRates() {
        return List.of();
    }

    @Override
    public List<LightningOptimizer> optimizers() {
        return List.of();
    }

    @Override
    public void saveCheckpoint(Path file, boolean weightsOnly) {
        throw new UnsupportedOperationException("this scripted trainer writes no checkpoints");
    }

    /** Removes the file, as the single-device strategy's checkpoint I/O does on rank 0. */
    @Override
    public void removeCheckpoint(Path file) {
        if (globalRank() == 0) {
            new FulmenCheckpointIO().remove(file);
        }
    }
}
