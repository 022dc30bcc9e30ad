package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import org.apiguardian.api.API;

import java.util.List;

/**
 * Every hook call of a run, in one place (Lightning's {@code trainer/call.py}): callbacks first, in their order,
 * then the module; at the end of a training epoch the callbacks that monitor metrics run after the module, so they
 * see what it logged. The loops call these methods and nothing else of callbacks or hooks; the hook order Fulmen
 * shares with Lightning lives here.
 *
 * <p>Evaluation hooks take the {@link Stage} and call the validation or the test hook, as Lightning's single
 * evaluation loop does.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class Hooks {
    private final List<Callback> callbacks;
    private final TrainerView view;
    private final LightningModule module;

    Hooks(List<Callback> callbacks, TrainerView view, LightningModule module) {
        this.callbacks = List.copyOf(callbacks);
        this.view = view;
        this.module = module;
    }

    // ------------------------------------------------------------------ run

    /** {@code setup(stage)}: callbacks, then the module. */
    public void setup(Stage stage) {
        for (Callback c : callbacks) {
            c.setup(view, module, stage);
        }
        module.setup(stage);
    }

    /** {@code teardown(stage)}: callbacks, then the module. */
    public void teardown(Stage stage) {
        for (Callback c : callbacks) {
            c.teardown(view, module, stage);
        }
        module.teardown(stage);
    }

    /** {@code on_exception}: every callback, even when one fails; their errors are added to {@code error}. */
    public void exception(Throwable error) {
        for (Callback c : callbacks) {
            try {
                c.onException(view, module, error);
            } catch (RuntimeException suppressed) {
                error.addSuppressed(suppressed);
            }
        }
    }

    // ------------------------------------------------------------------ fit

    void fitStart() {
        for (Callback c : callbacks) {
            c.onFitStart(view, module);
        }
        module.onFitStart();
    }

    void fitEnd() {
        for (Callback c : callbacks) {
            c.onFitEnd(view, module);
        }
        module.onFitEnd();
    }

    void sanityCheckStart() {
        for (Callback c : callbacks) {
            c.onSanityCheckStart(view, module);
        }
    }

    void sanityCheckEnd() {
        for (Callback c : callbacks) {
            c.onSanityCheckEnd(view, module);
        }
    }

    void trainStart() {
        for (Callback c : callbacks) {
            c.onTrainStart(view, module);
        }
        module.onTrainStart();
    }

    void trainEnd() {
        for (Callback c : callbacks) {
            c.onTrainEnd(view, module);
        }
        module.onTrainEnd();
    }

    void trainEpochStart() {
        for (Callback c : callbacks) {
            c.onTrainEpochStart(view, module);
        }
        module.onTrainEpochStart();
    }

    /**
     * {@code on_train_epoch_end}: callbacks that do not monitor metrics, the module, {@code afterModule} (where
     * what the module logged is published), then the monitoring callbacks.
     */
    void trainEpochEnd(Runnable afterModule) {
        for (Callback c : callbacks) {
            if (!c.monitorsMetrics()) {
                c.onTrainEpochEnd(view, module);
            }
        }
        module.onTrainEpochEnd();
        afterModule.run();
        for (Callback c : callbacks) {
            if (c.monitorsMetrics()) {
                c.onTrainEpochEnd(view, module);
            }
        }
    }

    /** {@code on_train_batch_start}; false when the module returned -1 to end the epoch. */
    boolean trainBatchStart(Batch batch, int batchIdx) {
        for (Callback c : callbacks) {
            c.onTrainBatchStart(view, module, batch, batchIdx);
        }
        return module.onTrainBatchStart(batch, batchIdx) != -1;
    }

    void trainBatchEnd(NDArray loss, Batch batch, int batchIdx) {
        for (Callback c : callbacks) {
            c.onTrainBatchEnd(view, module, loss, batch, batchIdx);
        }
        module.onTrainBatchEnd(loss, batch, batchIdx);
    }

    void beforeZeroGrad(LightningOptimizer optimizer) {
        for (Callback c : callbacks) {
            c.onBeforeZeroGrad(view, module, optimizer);
        }
        module.onBeforeZeroGrad(optimizer);
    }

    void beforeBackward(NDArray loss) {
        for (Callback c : callbacks) {
            c.onBeforeBackward(view, module, loss);
        }
        module.onBeforeBackward(loss);
    }

    void afterBackward() {
        for (Callback c : callbacks) {
            c.onAfterBackward(view, module);
        }
        module.onAfterBackward();
    }

    void beforeOptimizerStep(LightningOptimizer optimizer) {
        for (Callback c : callbacks) {
            c.onBeforeOptimizerStep(view, module, optimizer);
        }
        module.onBeforeOptimizerStep(optimizer);
    }

    // ------------------------------------------------------------------ validation and test

    /** The module switches to evaluation mode: {@code on_validation_model_eval} / {@code on_test_model_eval}. */
    void evaluationModelEval(Stage stage) {
        if (stage == Stage.TEST) {
            module.onTestModelEval();
        } else {
            module.onValidationModelEval();
        }
    }

    /** Back to training mode after validation inside fit ({@code on_validation_model_train}). */
    void validationModelTrain() {
        module.onValidationModelTrain();
    }

    /** {@code on_validation_model_zero_grad}, before validation inside fit. */
    void validationModelZeroGrad() {
        module.onValidationModelZeroGrad();
    }

    void evaluationStart(Stage stage) {
        boolean test = stage == Stage.TEST;
        for (Callback c : callbacks) {
            if (test) {
                c.onTestStart(view, module);
            } else {
                c.onValidationStart(view, module);
            }
        }
        if (test) {
            module.onTestStart();
        } else {
            module.onValidationStart();
        }
    }

    void evaluationEpochStart(Stage stage) {
        boolean test = stage == Stage.TEST;
        for (Callback c : callbacks) {
            if (test) {
                c.onTestEpochStart(view, module);
            } else {
                c.onValidationEpochStart(view, module);
            }
        }
        if (test) {
            module.onTestEpochStart();
        } else {
            module.onValidationEpochStart();
        }
    }

    void evaluationBatchStart(Stage stage, Batch batch, int batchIdx, int dataloaderIdx) {
        boolean test = stage == Stage.TEST;
        for (Callback c : callbacks) {
            if (test) {
                c.onTestBatchStart(view, module, batch, batchIdx, dataloaderIdx);
            } else {
                c.onValidationBatchStart(view, module, batch, batchIdx, dataloaderIdx);
            }
        }
        if (test) {
            module.onTestBatchStart(batch, batchIdx, dataloaderIdx);
        } else {
            module.onValidationBatchStart(batch, batchIdx, dataloaderIdx);
        }
    }

    /** {@code validation_step} / {@code test_step}. */
    void evaluationStep(Stage stage, Batch batch, int batchIdx) {
        if (stage == Stage.TEST) {
            module.testStep(batch, batchIdx);
        } else {
            module.validationStep(batch, batchIdx);
        }
    }

    void evaluationBatchEnd(Stage stage, Batch batch, int batchIdx, int dataloaderIdx) {
        boolean test = stage == Stage.TEST;
        for (Callback c : callbacks) {
            if (test) {
                c.onTestBatchEnd(view, module, batch, batchIdx, dataloaderIdx);
            } else {
                c.onValidationBatchEnd(view, module, batch, batchIdx, dataloaderIdx);
            }
        }
        if (test) {
            module.onTestBatchEnd(batch, batchIdx, dataloaderIdx);
        } else {
            module.onValidationBatchEnd(batch, batchIdx, dataloaderIdx);
        }
    }

    void evaluationEpochEnd(Stage stage) {
        boolean test = stage == Stage.TEST;
        for (Callback c : callbacks) {
            if (test) {
                c.onTestEpochEnd(view, module);
            } else {
                c.onValidationEpochEnd(view, module);
            }
        }
        if (test) {
            module.onTestEpochEnd();
        } else {
            module.onValidationEpochEnd();
        }
    }

    void evaluationEnd(Stage stage) {
        boolean test = stage == Stage.TEST;
        for (Callback c : callbacks) {
            if (test) {
                c.onTestEnd(view, module);
            } else {
                c.onValidationEnd(view, module);
            }
        }
        if (test) {
            module.onTestEnd();
        } else {
            module.onValidationEnd();
        }
    }

    // ------------------------------------------------------------------ predict

    void predictModelEval() {
        module.onPredictModelEval();
    }

    void predictStart() {
        for (Callback c : callbacks) {
            c.onPredictStart(view, module);
        }
        module.onPredictStart();
    }

    void predictEpochStart() {
        for (Callback c : callbacks) {
            c.onPredictEpochStart(view, module);
        }
        module.onPredictEpochStart();
    }

    void predictBatchStart(Batch batch, int batchIdx, int dataloaderIdx) {
        for (Callback c : callbacks) {
            c.onPredictBatchStart(view, module, batch, batchIdx, dataloaderIdx);
        }
        module.onPredictBatchStart(batch, batchIdx, dataloaderIdx);
    }

    void predictBatchEnd(Object prediction, Batch batch, int batchIdx, int dataloaderIdx) {
        for (Callback c : callbacks) {
            c.onPredictBatchEnd(view, module, prediction, batch, batchIdx, dataloaderIdx);
        }
        module.onPredictBatchEnd(prediction, batch, batchIdx, dataloaderIdx);
    }

    void predictEpochEnd() {
        for (Callback c : callbacks) {
            c.onPredictEpochEnd(view, module);
        }
        module.onPredictEpochEnd();
    }

    void predictEnd() {
        for (Callback c : callbacks) {
            c.onPredictEnd(view, module);
        }
        module.onPredictEnd();
    }
}
