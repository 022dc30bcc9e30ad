package io.fulmen.pyformat;

import org.apiguardian.api.API;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Python's {@code repr()}, {@code str()} and {@code ascii()} of Java values, so that what Fulmen writes reads like
 * what Lightning writes and parses back to the same value.
 *
 * <p>The mapping to Python's types: null is {@code None}; {@link Boolean} a bool ({@code True}); {@link Long},
 * {@link Integer}, {@link Short}, {@link Byte}, {@link BigInteger}, {@link AtomicInteger} and {@link AtomicLong}
 * are ints; every other {@link Number} is a float ({@code doubleValue()}: a {@code Float} is written with the
 * digits of its exact value, as Python would after the widening); {@link CharSequence} and {@link Character} are
 * strs; a {@link Map} is a dict, a {@link Collection} or an array a list; an enum constant is written as its name,
 * anything else as its {@code toString()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class PyRepr {
    private PyRepr() {}

    /**
     * Python's {@code repr(float)} (and {@code str(float)}): the shortest digits that read back as the same double,
     * in exponent form below 1e-4 and from 1e16 ({@code 0.0001}, {@code 1e-05}, {@code 100.0}, {@code 1e+16},
     * {@code nan}, {@code -inf}, {@code -0.0}).
     *
     * @param value any double
     * @return Python's text for it
     */
    public static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        boolean negative = value < 0 || (value == 0 && 1 / value < 0);
        return (negative ? "-" : "") + PyFloatDigits.shortest(Math.abs(value), false);
    }

    /**
     * Python's {@code repr(int)}; also takes {@code int}, {@code short} and {@code byte}, which would otherwise
     * widen to {@link #repr(double)}.
     *
     * @param value any long
     * @return its decimal digits
     */
    public static String repr(long value) {
        return Long.toString(value);
    }

    /**
     * Python's {@code repr()} of a one-character str ({@code 'c'}), which a {@code char} would otherwise widen to
     * {@link #repr(long)}.
     *
     * @param value any char
     * @return the quoted character
     */
    public static String repr(char value) {
        return quote(String.valueOf(value), false);
    }

    /**
     * Python's {@code repr(bool)}.
     *
     * @param value any boolean
     * @return {@code True} or {@code False}
     */
    public static String repr(boolean value) {
        return value ? "True" : "False";
    }

    /**
     * Python's {@code repr(value)}: strs quoted ({@code 'a'}, {@code "it's"}) with Python's escapes, containers
     * with the repr of their items, other values as in the class comment.
     *
     * @param value any value, null for {@code None}
     * @return Python's text for it
     */
    public static String repr(Object value) {
        return repr(value, false);
    }

    /**
     * Python's {@code str(value)}: a str as it is, anything else as {@link #repr(Object)}.
     *
     * @param value any value, null for {@code None}
     * @return Python's text for it
     */
    public static String str(Object value) {
        if (value instanceof CharSequence || value instanceof Character) {
            return value.toString();
        }
        return repr(value);
    }

    /**
     * Python's {@code ascii(value)}: {@link #repr(Object)} with every non-ASCII character escaped
     * ({@code \xe9}, {@code \u2028}, {@code \U0001f389}).
     *
     * @param value any value, null for {@code None}
     * @return Python's text for it
     */
    public static String ascii(Object value) {
        return repr(value, true);
    }

    private static String repr(Object value, boolean ascii) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return repr(b.booleanValue());
        }
        if (value instanceof Number n) {
            return isInt(n) ? n.toString() : repr(n.doubleValue());
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return quote(value.toString(), ascii);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Map<?, ?> m) {
            List<String> items = new ArrayList<>();
            m.forEach((k, v) -> items.add(repr(k, ascii) + ": " + repr(v, ascii)));
            return "{" + String.join(", ", items) + "}";
        }
        if (value instanceof Collection<?> c) {
            List<String> items = new ArrayList<>();
            c.forEach(v -> items.add(repr(v, ascii)));
            return "[" + String.join(", ", items) + "]";
        }
        if (value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(repr(Array.get(value, i), ascii));
            }
            return "[" + String.join(", ", items) + "]";
        }
        return value.toString();
    }

    /**
     * A str literal as Python writes it: in single quotes unless the text has a single quote and no double one;
     * the quote, backslash, {@code \t \n \r} and unprintable characters escaped (with {@code ascii}, non-ASCII
     * ones too).
     */
    private static String quote(String s, boolean ascii) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < ' ' || c == 0x7f || (ascii && c > 0x7f) || !isPrintable(c)) {
                out.append(escape(c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(quote).toString();
    }

    /** Python's {@code str.isprintable} of one character: not a control, format, separator or unassigned one. */
    private static boolean isPrintable(int c) {
        if (c == ' ') {
            return true;
        }
        switch (Character.getType(c)) {
            case Character.CONTROL: case Character.FORMAT: case Character.SURROGATE: case Character.PRIVATE_USE:
            case Character.UNASSIGNED: case Character.LINE_SEPARATOR: case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    private static String escape(int c) {
        if (c <= 0xff) {
            return String.format(Locale.ROOT, "\\x%02x", c);
        }
        return c <= 0xffff ? String.format(Locale.ROOT, "\\u%04x", c) : String.format(Locale.ROOT, "\\U%08x", c);
    }

    /** Whether Python sees this number as an int (else as a float). */
    static boolean isInt(Number value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger || value instanceof AtomicInteger
                || value instanceof AtomicLong;
    }

    /** An int as a {@link BigInteger}. */
    static BigInteger bigInteger(Number intValue) {
        return intValue instanceof BigInteger b ? b : BigInteger.valueOf(intValue.longValue());
    }
}
