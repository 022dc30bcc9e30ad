package io.fulmen.spi;

import org.apiguardian.api.API;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of a provider option: how its text is read and how it is described when it cannot be. Values come in
 * as text ({@code option("tensorboard.flush_secs", "30")}, {@code --logger-option flush_secs=30}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public enum OptionType {
    /** Any text. */
    STRING,
    /** A 32-bit whole number ({@code 10}, {@code -1}). */
    INT,
    /** A 64-bit whole number. */
    LONG,
    /** A decimal number ({@code 0.5}, {@code 1e-3}); NaN and infinities are refused. */
    DOUBLE,
    /** {@code true} or {@code false}, in any case. */
    BOOLEAN,
    /**
     * A length of time: a number with a unit ({@code 500ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}),
     * Lightning's {@code DD:HH:MM:SS} (or {@code HH:MM:SS}), or ISO-8601 ({@code PT1H30M}).
     */
    DURATION,
    /** A file or folder path, as written (relative paths are left relative). */
    PATH,
    /** One of the option's declared choices, matched case-insensitively. */
    ENUM;

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    /** The lower-case name shown in listings ({@code "int"}, {@code "duration"}). */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a valid value looks like, for error messages: {@code "an int (a whole number such as 10)"}. */
    public String expected(List<String> choices) {
        return switch (this) {
            case STRING -> "a string";
            case INT -> "an int (a whole number such as 10)";
            case LONG -> "a long (a whole number such as 10000000000)";
            case DOUBLE -> "a double (a finite number such as 0.5)";
            case BOOLEAN -> "a boolean (true or false)";
            case DURATION -> "a duration (such as 500ms, 90s, 15m, 2h, 1d, 00:12:00:00 as DD:HH:MM:SS, or PT1H30M)";
            case PATH -> "a path";
            case ENUM -> "one of " + (choices.size() < 2 ? String.join("", choices)
                    : String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1));
        };
    }

    /**
     * Reads {@code text} as this type: a {@link String}, {@link Integer}, {@link Long}, {@link Double},
     * {@link Boolean}, {@link Duration}, {@link Path}, or for {@link #ENUM} the matching choice as declared.
     *
     * @throws IllegalArgumentException when the text is not a value of this type
     */
    public Object parse(String text, List<String> choices) {
        String v = text.trim();
        try {
            return switch (this) {
                case STRING -> text;
                case INT -> Integer.parseInt(v);
                case LONG -> Long.parseLong(v);
                case DOUBLE -> finite(Double.parseDouble(v));
                case BOOLEAN -> bool(v);
                case DURATION -> duration(v);
                case PATH -> Path.of(v);
                case ENUM -> choice(v, choices);
            };
        } catch (NumberFormatException | DateTimeParseException | InvalidPathException | ArithmeticException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static double finite(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("not finite");
        }
        return d;
    }

    private static boolean bool(String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("not true or false");
    }

    private static String choice(String v, List<String> choices) {
        for (String c : choices) {
            if (c.equalsIgnoreCase(v)) {
                return c;
            }
        }
        throw new IllegalArgumentException("not a declared choice");
    }

    private static Duration duration(String v) {
        if (v.regionMatches(true, 0, "P", 0, 1)) {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        Matcher m = WITH_UNIT.matcher(v.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            long millis = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return Duration.ofNanos(Math.round(amount * millis * 1_000_000d));
        }
        String[] parts = v.split(":", -1);
        if (parts.length == 3 || parts.length == 4) {
            long seconds = 0;
            long[] unit = parts.length == 4 ? new long[] {86_400, 3_600, 60, 1} : new long[] {3_600, 60, 1};
            for (int i = 0; i < parts.length; i++) {
                long part = Long.parseLong(parts[i].trim());
                if (part < 0) {
                    throw new IllegalArgumentException("negative part");
                }
                seconds = Math.addExact(seconds, Math.multiplyExact(part, unit[i]));
            }
            return Duration.ofSeconds(seconds);
        }
        throw new IllegalArgumentException("not a duration");
    }
}
