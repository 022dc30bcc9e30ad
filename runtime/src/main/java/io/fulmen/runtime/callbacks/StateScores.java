package io.fulmen.runtime.callbacks;

import java.util.Locale;

/**
 * Scores in callback state. JSON has no NaN or infinities, so non-finite scores are stored as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (Python's {@code inf}/{@code nan} spellings read too).
 */
final class StateScores {
    private StateScores() {}

    /** A score as a JSON-safe value: the number itself when finite, else its string. */
    static Object toState(double score) {
        return Double.isFinite(score) ? (Object) score : Double.toString(score);
    }

    /** Reads a score stored by {@link #toState}; {@code what} names it in the error. */
    static double fromState(Object value, String what) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "inf", "+inf", "infinity", "+infinity":
                    return Double.POSITIVE_INFINITY;
                case "-inf", "-infinity":
                    return Double.NEGATIVE_INFINITY;
                case "nan":
                    return Double.NaN;
                default:
                    try {
                        return Double.parseDouble(s.trim());
                    } catch (NumberFormatException e) {
                        break;
                    }
            }
        }
        throw new IllegalArgumentException(what + " must be a number or \"Infinity\", \"-Infinity\", \"NaN\", got "
                + value);
    }
}
