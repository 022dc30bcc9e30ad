package io.fulmen.runtime.loop;

import org.apiguardian.api.API;

/** Thrown out of fit/validate/test/predict when the run was cancelled with {@code Trainer.cancel()}. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class TrainingCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingCancelledException(String message) {
        super(message);
    }
}
