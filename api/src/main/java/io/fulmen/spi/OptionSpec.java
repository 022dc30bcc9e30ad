package io.fulmen.spi;

import org.apiguardian.api.API;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One option a provider declares: users set it as {@code <provider name>.<key>}
 * ({@code option("tensorboard.flush_secs", "30")}), the Trainer checks the value against {@link #type()} before the
 * provider is created, and listings show the key, type, default and description. A key ending in {@code ".*"}
 * ({@code "tag.*"}) declares a family of keys ({@code tag.team}, {@code tag.owner}), read with
 * {@link ProviderOptions#withPrefix}.
 *
 * @param key          the key without the provider's name: letters, digits, {@code _ - .}, optionally ending in
 *                     {@code .*}
 * @param type         how the value is read
 * @param defaultValue the value used when the option is not set, as text; null for none
 * @param description  one line for listings: what the option does, its unit
 * @param choices      the allowed values of an {@link OptionType#ENUM} option; empty for other types
 * @param required     whether the provider cannot be created without it (then there is no default)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public record OptionSpec(String key, OptionType type, String defaultValue, String description, List<String> choices,
                         boolean required) {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(\\.\\*)?");

    /** Checks the key's form, that an enum has choices, and that the default is a value of the type. */
    public OptionSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        choices = List.copyOf(choices);
        if (!KEY.matcher(key).matches() || key.endsWith(".") && !key.endsWith(".*")) {
            throw new IllegalArgumentException("option key '" + key + "' must be letters, digits, '_', '-' or '.', "
                    + "optionally ending in '.*' for a family of keys");
        }
        if ((type == OptionType.ENUM) == choices.isEmpty()) {
            throw new IllegalArgumentException("option '" + key + "': an enum option needs choices, and only an "
                    + "enum option has them (type " + type.displayName() + ", choices " + choices + ")");
        }
        if (required && defaultValue != null) {
            throw new IllegalArgumentException("option '" + key + "' is required, so it cannot have a default ('"
                    + defaultValue + "')");
        }
        if (defaultValue != null) {
            try {
                type.parse(defaultValue, choices);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option '" + key + "': its default '" + defaultValue + "' is not "
                        + type.expected(choices), e);
            }
        }
    }

    /** A string option; {@code defaultValue} may be null. */
    public static OptionSpec ofString(String key, String defaultValue, String description) {
        return new OptionSpec(key, OptionType.STRING, defaultValue, description, List.of(), false);
    }

    /** An int option; {@code defaultValue} may be null. */
    public static OptionSpec ofInt(String key, Integer defaultValue, String description) {
        return new OptionSpec(key, OptionType.INT, text(defaultValue), description, List.of(), false);
    }

    /** A long option; {@code defaultValue} may be null. */
    public static OptionSpec ofLong(String key, Long defaultValue, String description) {
        return new OptionSpec(key, OptionType.LONG, text(defaultValue), description, List.of(), false);
    }

    /** A double option; {@code defaultValue} may be null. */
    public static OptionSpec ofDouble(String key, Double defaultValue, String description) {
        return new OptionSpec(key, OptionType.DOUBLE, text(defaultValue), description, List.of(), false);
    }

    /** A boolean option; {@code defaultValue} may be null (then "not set" is a third state). */
    public static OptionSpec ofBoolean(String key, Boolean defaultValue, String description) {
        return new OptionSpec(key, OptionType.BOOLEAN, text(defaultValue), description, List.of(), false);
    }

    /** A duration option; {@code defaultValue} (e.g. {@code "30s"}) may be null. */
    public static OptionSpec ofDuration(String key, String defaultValue, String description) {
        return new OptionSpec(key, OptionType.DURATION, defaultValue, description, List.of(), false);
    }

    /** A path option; {@code defaultValue} may be null. */
    public static OptionSpec ofPath(String key, String defaultValue, String description) {
        return new OptionSpec(key, OptionType.PATH, defaultValue, description, List.of(), false);
    }

    /** An option whose value is one of {@code choices} (matched case-insensitively); {@code defaultValue} may be null. */
    public static OptionSpec ofEnum(String key, String defaultValue, String description, String... choices) {
        return new OptionSpec(key, OptionType.ENUM, defaultValue, description, List.of(choices), false);
    }

    /** This option, required: the provider cannot be created without it. */
    public OptionSpec asRequired() {
        return new OptionSpec(key, type, null, description, choices, true);
    }

    /** Whether this declares a family of keys ({@code "tag.*"}). */
    public boolean isFamily() {
        return key.endsWith(".*");
    }

    /** Whether {@code subKey} (a key without the provider's name) is this option or one of its family. */
    public boolean matches(String subKey) {
        return isFamily() ? subKey.startsWith(familyPrefix()) && subKey.length() > familyPrefix().length()
                : key.equals(subKey);
    }

    /** The prefix of a family ({@code "tag."} for {@code "tag.*"}); the key itself otherwise. */
    public String familyPrefix() {
        return isFamily() ? key.substring(0, key.length() - 1) : key;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
