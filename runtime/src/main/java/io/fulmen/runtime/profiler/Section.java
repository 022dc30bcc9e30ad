package io.fulmen.runtime.profiler;

import org.apiguardian.api.API;

/**
 * What a run is doing at a moment: dispatching one hook (callbacks and module together), or a phase between hooks.
 * The profiler keeps one accumulator per constant, indexed by {@link #ordinal()}, so timing allocates nothing.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public enum Section {
    SETUP("setup", Kind.HOOK),
    TEARDOWN("teardown", Kind.HOOK),
    ON_EXCEPTION("on_exception", Kind.HOOK),
    ON_FIT_START("on_fit_start", Kind.HOOK),
    ON_FIT_END("on_fit_end", Kind.HOOK),
    ON_SANITY_CHECK_START("on_sanity_check_start", Kind.HOOK),
    ON_SANITY_CHECK_END("on_sanity_check_end", Kind.HOOK),
    ON_TRAIN_START("on_train_start", Kind.HOOK),
    ON_TRAIN_END("on_train_end", Kind.HOOK),
    ON_TRAIN_EPOCH_START("on_train_epoch_start", Kind.HOOK),
    ON_TRAIN_EPOCH_END("on_train_epoch_end", Kind.HOOK),
    ON_TRAIN_BATCH_START("on_train_batch_start", Kind.HOOK),
    ON_TRAIN_BATCH_END("on_train_batch_end", Kind.HOOK),
    ON_BEFORE_ZERO_GRAD("on_before_zero_grad", Kind.HOOK),
    ON_BEFORE_BACKWARD("on_before_backward", Kind.HOOK),
    ON_AFTER_BACKWARD("on_after_backward", Kind.HOOK),
    ON_BEFORE_OPTIMIZER_STEP("on_before_optimizer_step", Kind.HOOK),
    ON_VALIDATION_MODEL_EVAL("on_validation_model_eval", Kind.HOOK),
    ON_VALIDATION_MODEL_TRAIN("on_validation_model_train", Kind.HOOK),
    ON_VALIDATION_MODEL_ZERO_GRAD("on_validation_model_zero_grad", Kind.HOOK),
    ON_VALIDATION_START("on_validation_start", Kind.HOOK),
    ON_VALIDATION_EPOCH_START("on_validation_epoch_start", Kind.HOOK),
    ON_VALIDATION_BATCH_START("on_validation_batch_start", Kind.HOOK),
    ON_VALIDATION_BATCH_END("on_validation_batch_end", Kind.HOOK),
    ON_VALIDATION_EPOCH_END("on_validation_epoch_end", Kind.HOOK),
    ON_VALIDATION_END("on_validation_end", Kind.HOOK),
    ON_TEST_MODEL_EVAL("on_test_model_eval", Kind.HOOK),
    ON_TEST_START("on_test_start", Kind.HOOK),
    ON_TEST_EPOCH_START("on_test_epoch_start", Kind.HOOK),
    ON_TEST_BATCH_START("on_test_batch_start", Kind.HOOK),
    ON_TEST_BATCH_END("on_test_batch_end", Kind.HOOK),
    ON_TEST_EPOCH_END("on_test_epoch_end", Kind.HOOK),
    ON_TEST_END("on_test_end", Kind.HOOK),
    ON_PREDICT_MODEL_EVAL("on_predict_model_eval", Kind.HOOK),
    ON_PREDICT_START("on_predict_start", Kind.HOOK),
    ON_PREDICT_EPOCH_START("on_predict_epoch_start", Kind.HOOK),
    ON_PREDICT_BATCH_START("on_predict_batch_start", Kind.HOOK),
    ON_PREDICT_BATCH_END("on_predict_batch_end", Kind.HOOK),
    ON_PREDICT_EPOCH_END("on_predict_epoch_end", Kind.HOOK),
    ON_PREDICT_END("on_predict_end", Kind.HOOK),
    /** From {@code on_train_batch_start} to the next hook: the training step (all of it, in manual optimization). */
    TRAINING_STEP("training_step", Kind.PHASE),
    /** The module's {@code optimizerZeroGrad}. */
    ZERO_GRAD("optimizer_zero_grad", Kind.PHASE),
    BACKWARD("backward", Kind.PHASE),
    /** From the closure's end to {@code on_train_batch_end}: clipping, the step, schedulers and step logging. */
    OPTIMIZER_STEP("optimizer_step", Kind.PHASE),
    /** Waiting for the next training batch and moving it to the device. */
    TRAIN_DATALOADER_NEXT("train_dataloader_next", Kind.PHASE),
    VALIDATION_STEP("validation_step", Kind.PHASE),
    VAL_DATALOADER_NEXT("val_dataloader_next", Kind.PHASE),
    TEST_STEP("test_step", Kind.PHASE),
    TEST_DATALOADER_NEXT("test_dataloader_next", Kind.PHASE),
    PREDICT_STEP("predict_step", Kind.PHASE),
    /** Waiting for the next prediction batch and moving it to the device. */
    PREDICT_DATALOADER_NEXT("predict_dataloader_next", Kind.PHASE),
    /** Everything between hooks not named above: data preparation, loop bookkeeping, epoch-end logging. */
    LOOP("run (between hooks)", Kind.PHASE);

    /** Whether a section is a hook dispatch or time spent between hooks. */
    @API(status = API.Status.INTERNAL, since = "0.1.0")
    public enum Kind {
        /** Callbacks and module together. */
        HOOK,
        /** Work the loops do between two hooks. */
        PHASE
    }

    private final String action;
    private final Kind kind;

    Section(String action, Kind kind) {
        this.action = action;
        this.kind = kind;
    }

    /** The name in the profiler's table: Lightning's hook or action name. */
    public String action() {
        return action;
    }

    /** Hook or phase. */
    public Kind kind() {
        return kind;
    }
}
