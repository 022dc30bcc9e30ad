package io.fulmen.cli;

import io.fulmen.runtime.plugin.Suggestions;

import java.util.Collection;
import java.util.Locale;

/** How the command line spells names: Lightning's snake_case, and "did you mean" hints. */
final class Names {
    private Names() {}

    /** {@code batchSize} and {@code batch_size} both become {@code batch_size}. */
    static String snake(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && name.charAt(i - 1) != '_') {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().replace('-', '_').toLowerCase(Locale.ROOT);
    }

    /** {@code " Did you mean 'x'?"} for the closest of {@code candidates}, or the empty string. */
    static String didYouMean(String input, Collection<String> candidates) {
        return Suggestions.didYouMean(input, candidates);
    }

    /** As {@link #didYouMean(String, Collection)}, the suggestion written with {@code prefix} ("trainer."). */
    static String didYouMean(String input, Collection<String> candidates, String prefix) {
        return Suggestions.closest(input, candidates).map(s -> " Did you mean '" + prefix + s + "'?").orElse("");
    }

    /** A value as a message shows it: quoted text, or the number, with its YAML kind. */
    static String shown(Object value) {
        if (value == null) {
            return "null";
        }
        String kind = value instanceof String ? "string" : value instanceof Boolean ? "boolean"
                : value instanceof Integer || value instanceof Long ? "int" : value instanceof Number ? "float"
                : value instanceof java.util.List ? "list" : value instanceof java.util.Map ? "mapping"
                : value.getClass().getSimpleName();
        return (value instanceof String ? "'" + value + "'" : String.valueOf(value)) + " (" + kind + ")";
    }
}
