package io.fulmen.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * YAML values as the Java types constructors, records and builders declare: numbers, booleans, strings, paths and
 * enums. Quoted text converts when it reads as the type ({@code "1e-3"} for a float).
 */
final class JavaValues {
    private JavaValues() {}

    /** Whether a parameter of this type can be bound from YAML. */
    static boolean supported(Class<?> type) {
        Class<?> t = boxed(type);
        return t == Integer.class || t == Long.class || t == Float.class || t == Double.class || t == Boolean.class
                || t == String.class || t == Path.class || t.isEnum();
    }

    /** The type as the command line names it. */
    static String describe(Class<?> type) {
        Class<?> t = boxed(type);
        if (t == Integer.class || t == Long.class) {
            return "int";
        } else if (t == Float.class || t == Double.class) {
            return "float";
        } else if (t == Boolean.class) {
            return "bool";
        } else if (t == Path.class) {
            return "path";
        } else if (t.isEnum()) {
            return "one of " + Arrays.stream(t.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        return "str";
    }

    /** {@code value} as {@code type}; fails naming {@code key}, the type expected and the value given. */
    static Object convert(String key, Object value, Class<?> type) {
        Class<?> t = boxed(type);
        if (value == null) {
            if (type.isPrimitive()) {
                throw mismatch(key, null, type);
            }
            return null;
        }
        try {
            if (t == Integer.class) {
                return Math.toIntExact(wholeNumber(value));
            } else if (t == Long.class) {
                return wholeNumber(value);
            } else if (t == Float.class) {
                return (float) number(value);
            } else if (t == Double.class) {
                return number(value);
            } else if (t == Boolean.class) {
                return bool(value);
            } else if (t == String.class && !(value instanceof java.util.Collection || value instanceof java.util.Map)) {
                return String.valueOf(value);
            } else if (t == Path.class && value instanceof String s) {
                return Path.of(s);
            } else if (t.isEnum() && value instanceof String s) {
                return enumConstant(t, s);
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw mismatch(key, value, type);
        }
        throw mismatch(key, value, type);
    }

    /** A bound value as YAML writes it back: paths and enums as text, floats without float noise. */
    static Object printable(Object value) {
        if (value instanceof Float f) {
            return Double.valueOf(Float.toString(f));
        } else if (value instanceof Path || value instanceof Enum<?>) {
            return value.toString();
        }
        return value;
    }

    static UsageException mismatch(String key, Object value, Class<?> type) {
        return new UsageException(key + ": expected " + describe(type) + ", got " + Names.shown(value));
    }

    private static long wholeNumber(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            return Long.parseLong(s.trim());
        }
        throw new IllegalArgumentException("not a whole number");
    }

    private static double number(Object value) {
        double d;
        if (value instanceof Number n) {
            d = n.doubleValue();
        } else if (value instanceof String s) {
            d = Double.parseDouble(s.trim());
        } else {
            throw new IllegalArgumentException("not a number");
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("not finite");
        }
        return d;
    }

    private static boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("not a boolean");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String text) {
        for (Object c : type.getEnumConstants()) {
            if (((Enum<?>) c).name().equalsIgnoreCase(text.trim())) {
                return c;
            }
        }
        return Enum.valueOf((Class) type, text.trim().toUpperCase(Locale.ROOT));
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return type == int.class ? Integer.class : type == long.class ? Long.class : type == float.class
                ? Float.class : type == double.class ? Double.class : type == boolean.class ? Boolean.class : type;
    }
}
