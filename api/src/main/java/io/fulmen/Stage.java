package io.fulmen;

import org.apiguardian.api.API;
import java.util.Locale;

/** The entry point a Trainer is running, as Lightning's {@code TrainerFn}: fit, validate, test or predict. */
@API(status = API.Status.STABLE, since = "0.1.0")
public enum Stage {
    FIT,
    VALIDATE,
    TEST,
    PREDICT;

    /** Lightning's spelling: {@code "fit"}, {@code "validate"}, {@code "test"}, {@code "predict"}. */
    public String lightningName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
