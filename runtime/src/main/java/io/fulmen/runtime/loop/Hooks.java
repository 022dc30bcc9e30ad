package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.profiler.Profiler;
import io.fulmen.runtime.profiler.Section;
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
    private Profiler profiler = Profiler.OFF;

    Hooks(List<Callback> callbacks, TrainerView view, LightningModule module) {
        this.callbacks = List.copyOf(callbacks);
        this.view = view;
        this.module = module;
    }

    /**
     * Times every hook from now on with {@code profiler}, and the phases between them (see {@link Section}); the
     * Trainer sets it before the call's first hook. Without one, a no-op profiler costs nothing measurable.
     */
    public void profileWith(Profiler profiler) {
        this.profiler = profiler;
    }

    // ------------------------------------------------------------------ run

    /** {@code setup(stage)}: callbacks, then the module. */
    public void setup(Stage stage) {
        profiler.enter(Section.SETUP);
        for (Callback c : callbacks) {
            c.setup(view, module, stage);
        }
        module.setup(stage);
        profiler.enter(Section.LOOP);
    }

    /** {@code teardown(stage)}: callbacks, then the module. */
    public void teardown(Stage stage) {
        profiler.enter(Section.TEARDOWN);
        for (Callback c : callbacks) {
            c.teardown(view, module, stage);
        }
        module.teardown(stage);
        profiler.enter(Section.LOOP);
    }

    /** {@code on_exception}: every callback, even when one fails; their errors are added to {@code error}. */
    public void exception(Throwable error) {
        profiler.enter(Section.ON_EXCEPTION);
        for (Callback c : callbacks) {
            try {
                c.onException(view, module, error);
            } catch (RuntimeException suppressed) {
                error.addSuppressed(suppressed);
            }
        }
        profiler.enter(Section.LOOP);
    }

    // ------------------------------------------------------------------ fit

    void fitStart() {
        profiler.enter(Section.ON_FIT_START);
        for (Callback c : callbacks) {
            c.onFitStart(view, module);
        }
        module.onFitStart();
        profiler.enter(Section.LOOP);
    }

    void fitEnd() {
        profiler.enter(Section.ON_FIT_END);
        for (Callback c : callbacks) {
            c.onFitEnd(view, module);
        }
        module.onFitEnd();
        profiler.enter(Section.LOOP);
    }

    void sanityCheckStart() {
        profiler.enter(Section.ON_SANITY_CHECK_START);
        for (Callback c : callbacks) {
            c.onSanityCheckStart(view, module);
        }
        profiler.enter(Section.LOOP);
    }

    void sanityCheckEnd() {
        profiler.enter(Section.ON_SANITY_CHECK_END);
        for (Callback c : callbacks) {
            c.onSanityCheckEnd(view, module);
        }
        profiler.enter(Section.LOOP);
    }

    void trainStart() {
        profiler.enter(Section.ON_TRAIN_START);
        for (Callback c : callbacks) {
            c.onTrainStart(view, module);
        }
        module.onTrainStart();
        profiler.enter(Section.LOOP);
    }

    void trainEnd() {
        profiler.enter(Section.ON_TRAIN_END);
        for (Callback c : callbacks) {
            c.onTrainEnd(view, module);
        }
        module.onTrainEnd();
        profiler.enter(Section.LOOP);
    }

    void trainEpochStart() {
        profiler.enter(Section.ON_TRAIN_EPOCH_START);
        for (Callback c : callbacks) {
            c.onTrainEpochStart(view, module);
        }
        module.onTrainEpochStart();
        profiler.enter(Section.TRAIN_DATALOADER_NEXT);
    }

    /**
     * {@code on_train_epoch_end}: callbacks that do not monitor metrics, the module, {@code afterModule} (where
     * what the module logged is published), then the monitoring callbacks.
     */
    void trainEpochEnd(Runnable afterModule) {
        profiler.enter(Section.ON_TRAIN_EPOCH_END);
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
        profiler.enter(Section.LOOP);
    }

    /** {@code on_train_batch_start}; false when the module returned -1 to end the epoch. */
    boolean trainBatchStart(Batch batch, int batchIdx) {
        profiler.enter(Section.ON_TRAIN_BATCH_START);
        for (Callback c : callbacks) {
            c.onTrainBatchStart(view, module, batch, batchIdx);
        }
        boolean goOn = module.onTrainBatchStart(batch, batchIdx) != -1;
        profiler.enter(Section.TRAINING_STEP);
        return goOn;
    }

    void trainBatchEnd(NDArray loss, Batch batch, int batchIdx) {
        profiler.enter(Section.ON_TRAIN_BATCH_END);
        for (Callback c : callbacks) {
            c.onTrainBatchEnd(view, module, loss, batch, batchIdx);
        }
        module.onTrainBatchEnd(loss, batch, batchIdx);
        profiler.enter(Section.TRAIN_DATALOADER_NEXT);
    }

    void beforeZeroGrad(LightningOptimizer optimizer) {
        profiler.enter(Section.ON_BEFORE_ZERO_GRAD);
        for (Callback c : callbacks) {
            c.onBeforeZeroGrad(view, module, optimizer);
        }
        module.onBeforeZeroGrad(optimizer);
        profiler.enter(Section.ZERO_GRAD);
    }

    void beforeBackward(NDArray loss) {
        profiler.enter(Section.ON_BEFORE_BACKWARD);
        for (Callback c : callbacks) {
            c.onBeforeBackward(view, module, loss);
        }
        module.onBeforeBackward(loss);
        profiler.enter(Section.BACKWARD);
    }

    void afterBackward() {
        profiler.enter(Section.ON_AFTER_BACKWARD);
        for (Callback c : callbacks) {
            c.onAfterBackward(view, module);
        }
        module.onAfterBackward();
        profiler.resume(Section.OPTIMIZER_STEP); // counted where the step enters it, after on_before_optimizer_step
    }

    void beforeOptimizerStep(LightningOptimizer optimizer) {
        profiler.enter(Section.ON_BEFORE_OPTIMIZER_STEP);
        for (Callback c : callbacks) {
            c.onBeforeOptimizerStep(view, module, optimizer);
        }
        module.onBeforeOptimizerStep(optimizer);
        profiler.enter(Section.OPTIMIZER_STEP);
    }

    // ------------------------------------------------------------------ validation and test

    /** The module switches to evaluation mode: {@code on_validation_model_eval} / {@code on_test_model_eval}. */
    void evaluationModelEval(Stage stage) {
        profiler.enter(stage == Stage.TEST ? Section.ON_TEST_MODEL_EVAL : Section.ON_VALIDATION_MODEL_EVAL);
        if (stage == Stage.TEST) {
            module.onTestModelEval();
        } else {
            module.onValidationModelEval();
        }
        profiler.enter(Section.LOOP);
    }

    /** Back to training mode after validation inside fit ({@code on_validation_model_train}). */
    void validationModelTrain() {
        profiler.enter(Section.ON_VALIDATION_MODEL_TRAIN);
        module.onValidationModelTrain();
        profiler.enter(Section.TRAIN_DATALOADER_NEXT);
    }

    /** {@code on_validation_model_zero_grad}, before validation inside fit. */
    void validationModelZeroGrad() {
        profiler.enter(Section.ON_VALIDATION_MODEL_ZERO_GRAD);
        module.onValidationModelZeroGrad();
        profiler.enter(Section.LOOP);
    }

    void evaluationStart(Stage stage) {
        profiler.enter(stage == Stage.TEST ? Section.ON_TEST_START : Section.ON_VALIDATION_START);
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
        profiler.enter(Section.LOOP);
    }

    void evaluationEpochStart(Stage stage) {
        profiler.enter(stage == Stage.TEST ? Section.ON_TEST_EPOCH_START : Section.ON_VALIDATION_EPOCH_START);
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
        profiler.enter(stage == Stage.TEST ? Section.TEST_DATALOADER_NEXT : Section.VAL_DATALOADER_NEXT);
    }

    void evaluationBatchStart(Stage stage, Batch batch, int batchIdx, int dataloaderIdx) {
        profiler.enter(stage == Stage.TEST ? Section.ON_TEST_BATCH_START : Section.ON_VALIDATION_BATCH_START);
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
        profiler.enter(Section.LOOP);
    }

    /**
     * {@code validation_step} / {@code test_step}; with {@code dataloaderIdx} >= 0 the form that takes the loader's
     * index, else the two-argument form.
     */
    void evaluationStep(Stage stage, Batch batch, int batchIdx, int dataloaderIdx) {
        profiler.enter(stage == Stage.TEST ? Section.TEST_STEP : Section.VALIDATION_STEP);
        if (stage == Stage.TEST) {
            if (dataloaderIdx >= 0) {
                module.testStep(batch, batchIdx, dataloaderIdx);
            } else {
                module.testStep(batch, batchIdx);
            }
        } else if (dataloaderIdx >= 0) {
            module.validationStep(batch, batchIdx, dataloaderIdx);
        } else {
            module.validationStep(batch, batchIdx);
        }
        profiler.enter(Section.LOOP);
    }

    void evaluationBatchEnd(Stage stage, Batch batch, int batchIdx, int dataloaderIdx) {
        profiler.enter(stage == Stage.TEST ? Section.ON_TEST_BATCH_END : Section.ON_VALIDATION_BATCH_END);
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
        profiler.enter(stage == Stage.TEST ? Section.TEST_DATALOADER_NEXT : Section.VAL_DATALOADER_NEXT);
    }

    void evaluationEpochEnd(Stage stage) {
        profiler.enter(stage == Stage.TEST ? Section.ON_TEST_EPOCH_END : Section.ON_VALIDATION_EPOCH_END);
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
        profiler.enter(Section.LOOP);
    }

    void evaluationEnd(Stage stage) {
        profiler.enter(stage == Stage.TEST ? Section.ON_TEST_END : Section.ON_VALIDATION_END);
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
        profiler.enter(Section.LOOP);
    }

    // ------------------------------------------------------------------ predict

    void predictModelEval() {
        profiler.enter(Section.ON_PREDICT_MODEL_EVAL);
        module.onPredictModelEval();
        profiler.enter(Section.LOOP);
    }

    void predictStart() {
        profiler.enter(Section.ON_PREDICT_START);
        for (Callback c : callbacks) {
            c.onPredictStart(view, module);
        }
        module.onPredictStart();
        profiler.enter(Section.LOOP);
    }

    void predictEpochStart() {
        profiler.enter(Section.ON_PREDICT_EPOCH_START);
        for (Callback c : callbacks) {
            c.onPredictEpochStart(view, module);
        }
        module.onPredictEpochStart();
        profiler.enter(Section.PREDICT_DATALOADER_NEXT);
    }

    void predictBatchStart(Batch batch, int batchIdx, int dataloaderIdx) {
        profiler.enter(Section.ON_PREDICT_BATCH_START);
        for (Callback c : callbacks) {
            c.onPredictBatchStart(view, module, batch, batchIdx, dataloaderIdx);
        }
        module.onPredictBatchStart(batch, batchIdx, dataloaderIdx);
        profiler.enter(Section.LOOP);
    }

    /** {@code predict_step}. */
    /** The module's predict step, given {@code dataloaderIdx} when it is not negative (several loaders). */
    Object predictStep(Batch batch, int batchIdx, int dataloaderIdx) {
        profiler.enter(Section.PREDICT_STEP);
        Object prediction = dataloaderIdx >= 0 ? module.predictStep(batch, batchIdx, dataloaderIdx)
                : module.predictStep(batch, batchIdx);
        profiler.enter(Section.LOOP);
        return prediction;
    }

    void predictBatchEnd(Object prediction, Batch batch, int batchIdx, int dataloaderIdx) {
        profiler.enter(Section.ON_PREDICT_BATCH_END);
        for (Callback c : callbacks) {
            c.onPredictBatchEnd(view, module, prediction, batch, batchIdx, dataloaderIdx);
        }
        module.onPredictBatchEnd(prediction, batch, batchIdx, dataloaderIdx);
        profiler.enter(Section.PREDICT_DATALOADER_NEXT);
    }

    void predictEpochEnd() {
        profiler.enter(Section.ON_PREDICT_EPOCH_END);
        for (Callback c : callbacks) {
            c.onPredictEpochEnd(view, module);
        }
        module.onPredictEpochEnd();
        profiler.enter(Section.LOOP);
    }

    void predictEnd() {
        profiler.enter(Section.ON_PREDICT_END);
        for (Callback c : callbacks) {
            c.onPredictEnd(view, module);
        }
        module.onPredictEnd();
        profiler.enter(Section.LOOP);
    }
}
