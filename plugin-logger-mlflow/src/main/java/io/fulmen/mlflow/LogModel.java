package io.fulmen.mlflow;

import java.util.Locale;

/** Lightning's {@code log_model}: which checkpoints become run artifacts, and when. */
enum LogModel {
    /** {@code False}: none. */
    NONE,
    /** {@code True}: the kept checkpoints when the run ends (each as it is saved when {@code save_top_k == -1}). */
    AT_END,
    /** {@code "all"}: every checkpoint as it is saved. */
    ALL;

    static LogModel parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "false", "0", "no", "none" -> NONE;
            case "true", "1", "yes" -> AT_END;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException(
                    "option 'log_model' must be false, true or all, got '" + value + "'");
        };
    }
}
