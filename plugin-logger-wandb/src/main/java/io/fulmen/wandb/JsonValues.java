package io.fulmen.wandb;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code value_json} of a config, history or summary item: JSON as W&amp;B's Python and Go readers accept it,
 * that is with the bare tokens {@code NaN}, {@code Infinity} and {@code -Infinity} for non-finite numbers. Maps
 * become objects (W&amp;B shows them as subtrees), arrays and iterables lists, a {@link Json} its text verbatim, and
 * any other object its {@code toString()} as a string.
 */
final class JsonValues {
    /** JSON text written as it is, for values encoded elsewhere (media). */
    record Json(String text) {}

    private JsonValues() {}

    static String of(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    static String of(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        return Double.toString(value);
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Json json) {
            out.append(json.text());
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toString());
        } else if (value instanceof Float f) {
            // Float's own shortest form: 0.1f stays 0.1 instead of 0.10000000149011612.
            out.append(f.isNaN() || f.isInfinite() ? of(f.doubleValue()) : Float.toString(f));
        } else if (value instanceof Number n) {
            out.append(of(n.doubleValue()));
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                append(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Iterable<?> items) {
            list(out, items.iterator());
        } else if (value.getClass().isArray()) {
            out.append('[');
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                append(out, Array.get(value, i));
            }
            out.append(']');
        } else {
            string(out, value.toString());
        }
    }

    private static void list(StringBuilder out, Iterator<?> items) {
        out.append('[');
        boolean first = true;
        while (items.hasNext()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            append(out, items.next());
        }
        out.append(']');
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
