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

    /** Lightning's spelling: {@code false}, {@code true} or {@code all}, in any case. */
    static LogModel parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "false" -> NONE;
            case "true" -> AT_END;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException(
                    "option 'mlflow.log_model' must be false, true or all, got '" + value + "'");
        };
    }
}
