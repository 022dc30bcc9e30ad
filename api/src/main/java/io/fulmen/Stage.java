package io.fulmen;

import java.util.Locale;

/** The entry point a Trainer is running, as Lightning's {@code TrainerFn}: fit, validate, test or predict. */
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
