package io.fulmen.logging;

import io.fulmen.pyformat.PyRepr;
import org.apiguardian.api.API;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A small YAML emitter for hyperparameters: strings, numbers, booleans, null, lists (collections and arrays) and
 * maps, in block style with sorted keys, as PyYAML's {@code yaml.dump} writes Lightning's {@code hparams.yaml}.
 * Anything else is written as its {@code toString()}. Strings are quoted whenever a YAML reader could take them for
 * something else (a number, a boolean, null, a date) or could not read them plain.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class HparamsYaml {
    private static final Pattern RESERVED = Pattern.compile(
            "(?i:null|~|true|false|yes|no|on|off)|=|<<|[-+]?\\.?[0-9].*|[-+]?\\.(?i:inf|nan)");
    private static final String FIRST_CHAR_INDICATORS = "#,[]{}&*!|>'\"%@`";

    private HparamsYaml() {}

    /** The YAML document of {@code root}, ending with a newline. */
    public static String write(Map<?, ?> root) {
        StringBuilder out = new StringBuilder();
        if (root.isEmpty()) {
            return "{}\n";
        }
        mapping(sorted(root), 0, false, out);
        return out.toString();
    }

    private static void mapping(Map<String, Object> map, int indent, boolean firstInline, StringBuilder out) {
        boolean first = true;
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (!(first && firstInline)) {
                out.append(" ".repeat(indent));
            }
            first = false;
            out.append(string(e.getKey())).append(':');
            Object value = normalize(e.getValue());
            if (value instanceof Map<?, ?> m && !m.isEmpty()) {
                out.append('\n');
                mapping(sorted(m), indent + 2, false, out);
            } else if (value instanceof List<?> l && !l.isEmpty()) {
                out.append('\n');
                sequence(l, indent, false, out);
            } else {
                out.append(' ').append(scalar(value)).append('\n');
            }
        }
    }

    private static void sequence(List<?> list, int indent, boolean firstInline, StringBuilder out) {
        boolean first = true;
        for (Object item : list) {
            if (!(first && firstInline)) {
                out.append(" ".repeat(indent));
            }
            first = false;
            out.append('-');
            Object value = normalize(item);
            if (value instanceof Map<?, ?> m && !m.isEmpty()) {
                out.append(' ');
                mapping(sorted(m), indent + 2, true, out);
            } else if (value instanceof List<?> l && !l.isEmpty()) {
                out.append(' ');
                sequence(l, indent + 2, true, out);
            } else {
                out.append(' ').append(scalar(value)).append('\n');
            }
        }
    }

    /** Collections and arrays become lists; maps stay maps; everything else is a scalar. */
    private static Object normalize(Object value) {
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (value != null && value.getClass().isArray()) {
            int n = Array.getLength(value);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(Array.get(value, i));
            }
            return list;
        }
        return value;
    }

    private static Map<String, Object> sorted(Map<?, ?> map) {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue());
        }
        return out;
    }

    private static String scalar(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?>) {
            return "{}";
        }
        if (value instanceof List<?>) {
            return "[]";
        }
        if (value instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Float f) {
            return floatScalar(Double.parseDouble(Float.toString(f)));
        }
        if (value instanceof Double || value instanceof BigDecimal) {
            return floatScalar(((Number) value).doubleValue());
        }
        if (value instanceof Enum<?> e) {
            return string(e.name());
        }
        return string(value.toString());
    }

    /** PyYAML's float form: {@code .nan}, {@code .inf}, and a {@code .0} before an exponent that has no dot. */
    private static String floatScalar(double v) {
        if (Double.isNaN(v)) {
            return ".nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? ".inf" : "-.inf";
        }
        String repr = PyRepr.repr(v);
        if (repr.indexOf('.') < 0 && repr.indexOf('e') >= 0) {
            repr = repr.replaceFirst("e", ".0e");
        }
        return repr;
    }

    static String string(String s) {
        if (canBePlain(s)) {
            return s;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return doubleQuoted(s);
            }
        }
        return "'" + s.replace("'", "''") + "'";
    }

    private static boolean canBePlain(String s) {
        if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return false;
        }
        char c0 = s.charAt(0);
        if (FIRST_CHAR_INDICATORS.indexOf(c0) >= 0) {
            return false;
        }
        if ((c0 == '-' || c0 == '?' || c0 == ':') && (s.length() == 1 || s.charAt(1) == ' ')) {
            return false;
        }
        if (s.endsWith(":") || s.contains(": ") || s.contains(" #")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\uFEFF') {
                return false;
            }
        }
        return !RESERVED.matcher(s).matches();
    }

    private static String doubleQuoted(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
