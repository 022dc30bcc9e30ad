package io.fulmen.callback;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import org.apiguardian.api.API;

import java.util.Map;

/**
 * Code that runs at Lightning's hook points without living in the model (Lightning's {@code Callback}). Every hook
 * has a no-op default; implement the ones you need. Callbacks run before the module's hook of the same name, in
 * the order given to the Trainer.
 *
 * <p>State that must survive a checkpoint goes through {@link #stateDict()} / {@link #loadStateDict(Map)}: plain
 * JSON values (strings, numbers, booleans, lists and maps of them).
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface Callback {

    /** Identifies this callback's state in a checkpoint; the class name unless two instances need telling apart. */
    default String stateKey() {
        return getClass().getName();
    }

    /**
     * True for callbacks that act on monitored metrics (checkpointing, early stopping): at the end of a training
     * epoch they run after the module's {@code onTrainEpochEnd}, so they see what it logged, as in Lightning.
     */
    default boolean monitorsMetrics() {
        return false;
    }

    default Map<String, Object> stateDict() {
        return Map.of();
    }

    default void loadStateDict(Map<String, Object> state) {}

    /**
     * Tensors that must survive a checkpoint (averaged weights, for example), by name; the Trainer writes them as
     * {@code callback/<stateKey>/<name>} next to {@link #stateDict()}. They are read while the checkpoint is written
     * and must stay valid until then; the Trainer does not close them.
     */
    default Map<String, NDArray> tensorStateDict() {
        return Map.of();
    }

    /**
     * Receives the tensors {@link #tensorStateDict()} saved, after {@link #loadStateDict}. They belong to the
     * checkpoint and are closed after the call: copy what you keep.
     */
    default void loadTensorStateDict(Map<String, NDArray> tensors) {}

    default void setup(TrainerView trainer, LightningModule module, Stage stage) {}

    default void teardown(TrainerView trainer, LightningModule module, Stage stage) {}

    default void onFitStart(TrainerView trainer, LightningModule module) {}

    default void onFitEnd(TrainerView trainer, LightningModule module) {}

    default void onSanityCheckStart(TrainerView trainer, LightningModule module) {}

    default void onSanityCheckEnd(TrainerView trainer, LightningModule module) {}

    default void onTrainStart(TrainerView trainer, LightningModule module) {}

    default void onTrainEnd(TrainerView trainer, LightningModule module) {}

    default void onTrainEpochStart(TrainerView trainer, LightningModule module) {}

    default void onTrainEpochEnd(TrainerView trainer, LightningModule module) {}

    default void onTrainBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx) {}

    /** {@code loss} is the step's loss (already closed memory-wise after this hook returns), or null. */
    default void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                 int batchIdx) {}

    default void onValidationStart(TrainerView trainer, LightningModule module) {}

    default void onValidationEnd(TrainerView trainer, LightningModule module) {}

    default void onValidationEpochStart(TrainerView trainer, LightningModule module) {}

    default void onValidationEpochEnd(TrainerView trainer, LightningModule module) {}

    default void onValidationBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                        int dataloaderIdx) {}

    default void onValidationBatchEnd(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                      int dataloaderIdx) {}

    default void onTestStart(TrainerView trainer, LightningModule module) {}

    default void onTestEnd(TrainerView trainer, LightningModule module) {}

    default void onTestEpochStart(TrainerView trainer, LightningModule module) {}

    default void onTestEpochEnd(TrainerView trainer, LightningModule module) {}

    default void onTestBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                  int dataloaderIdx) {}

    default void onTestBatchEnd(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                int dataloaderIdx) {}

    default void onPredictStart(TrainerView trainer, LightningModule module) {}

    default void onPredictEnd(TrainerView trainer, LightningModule module) {}

    default void onPredictEpochStart(TrainerView trainer, LightningModule module) {}

    default void onPredictEpochEnd(TrainerView trainer, LightningModule module) {}

    default void onPredictBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                     int dataloaderIdx) {}

    default void onPredictBatchEnd(TrainerView trainer, LightningModule module, Object prediction, Batch batch,
                                   int batchIdx, int dataloaderIdx) {}

    default void onBeforeZeroGrad(TrainerView trainer, LightningModule module, LightningOptimizer optimizer) {}

    default void onBeforeBackward(TrainerView trainer, LightningModule module, NDArray loss) {}

    default void onAfterBackward(TrainerView trainer, LightningModule module) {}

    default void onBeforeOptimizerStep(TrainerView trainer, LightningModule module, LightningOptimizer optimizer) {}

    /** Called when fit/validate/test/predict ends with an exception, before it propagates. */
    default void onException(TrainerView trainer, LightningModule module, Throwable error) {}
}
