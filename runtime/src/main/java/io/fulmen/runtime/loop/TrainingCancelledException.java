package io.fulmen.runtime.loop;

/** Thrown out of fit/validate/test/predict when the run was cancelled with {@code Trainer.cancel()}. */
public final class TrainingCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingCancelledException(String message) {
        super(message);
    }
}
