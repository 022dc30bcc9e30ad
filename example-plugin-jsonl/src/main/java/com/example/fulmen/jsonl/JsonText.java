package com.example.fulmen.jsonl;

import java.util.Locale;
import java.util.Map;

/** The little JSON this plugin writes: objects of numbers, booleans and strings. */
final class JsonText {
    private JsonText() {}

    /** Appends {@code "key": value, ...} (numbers and booleans bare, anything else as a string). */
    static void appendEntries(StringBuilder sb, Map<String, ?> entries) {
        boolean first = true;
        for (Map.Entry<String, ?> e : entries.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(quote(e.getKey())).append(": ");
            Object v = e.getValue();
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                sb.append(n);
            } else if (v instanceof Boolean b) {
                sb.append(b);
            } else {
                sb.append(quote(String.valueOf(v)));
            }
        }
    }

    /** {@code s} as a JSON string literal. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
