package io.fulmen.cli;

import io.fulmen.spi.OptionType;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The YAML types of Trainer arguments, with how a value is checked and normalised for printing. */
enum ArgumentType {
    /** A whole number. */
    INT("int"),
    /** A finite number. */
    FLOAT("float"),
    /** true or false. */
    BOOL("bool"),
    /** Text. */
    STR("str"),
    /** An int counts batches, a float is a fraction of them (Lightning's limit_*_batches). */
    INT_OR_FLOAT("int | float"),
    /** An int, or true for 1 and false for 0 (fast_dev_run). */
    INT_OR_BOOL("int | bool"),
    /** "auto", a count, -1 for all, or device indices ("0,1" or a list). */
    DEVICES("int | str | list[int]"),
    /** 500ms, 90s, 15m, 2h, 1d, DD:HH:MM:SS or ISO-8601. */
    DURATION("duration"),
    /** A file system path. */
    PATH("path");

    private final String display;

    ArgumentType(String display) {
        this.display = display;
    }

    String display() {
        return display;
    }

    /** {@code value} checked; numbers written as text are read. Null passes (the argument's default then applies). */
    Object check(String key, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (this) {
                case INT -> JavaValues.convert(key, value, long.class);
                case FLOAT -> JavaValues.convert(key, value, double.class);
                case BOOL -> JavaValues.convert(key, value, boolean.class);
                case STR, PATH -> scalarText(key, value);
                case INT_OR_FLOAT -> countOrFraction(value);
                case INT_OR_BOOL -> value instanceof Boolean b ? b : JavaValues.convert(key, value, long.class);
                case DEVICES -> devices(value);
                case DURATION -> {
                    OptionType.DURATION.parse(scalarText(key, value), List.of());
                    yield scalarText(key, value);
                }
            };
        } catch (UsageException | IllegalArgumentException e) {
            throw new UsageException(key + ": expected " + display + ", got " + Names.shown(value));
        }
    }

    private static String scalarText(String key, Object value) {
        if (value instanceof List || value instanceof java.util.Map) {
            throw new IllegalArgumentException(key);
        }
        return String.valueOf(value);
    }

    private static Object countOrFraction(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Double) {
            return value;
        }
        String text = String.valueOf(value).trim();
        return text.matches("-?\\d+") ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
    }

    private static Object devices(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(v -> Long.toString((Long) JavaValues.convert("devices", v, long.class)))
                    .collect(Collectors.joining(","));
        }
        if (value instanceof Integer || value instanceof Long) {
            return value;
        }
        String text = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        if (!text.equals("auto") && !text.matches("-?\\d+(\\s*,\\s*\\d+)*,?")) {
            throw new IllegalArgumentException(text);
        }
        return text;
    }
}
