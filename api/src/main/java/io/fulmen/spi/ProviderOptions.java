package io.fulmen.spi;

import org.apiguardian.api.API;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The options one provider receives: the user's values of the keys it {@linkplain ComponentProvider#options()
 * declared}, without its name as prefix ({@code flush_secs} for {@code tensorboard.flush_secs}), with typed getters
 * that fall back to the declared default. Values were checked against the declared types when this view was made,
 * so a getter of the declared type does not fail; any reading that does fail says, in one form, which key, which
 * value and what was expected (JUnit's {@code ConfigurationParameters.get(key, transformer)}). Immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class ProviderOptions {
    private final String namespace;
    private final Map<String, OptionSpec> specs;
    private final Map<String, String> values;

    private ProviderOptions(String namespace, Map<String, OptionSpec> specs, Map<String, String> values) {
        this.namespace = namespace;
        this.specs = specs;
        this.values = values;
    }

    /**
     * The options of provider {@code namespace} (its name) declaring {@code specs}, set to {@code values} (keys
     * without the namespace).
     *
     * @throws IllegalArgumentException naming the key when one is not declared, a value is not of its declared
     *                                  type, or a required option is missing
     */
    public static ProviderOptions of(String namespace, List<OptionSpec> specs, Map<String, String> values) {
        Objects.requireNonNull(namespace, "namespace");
        Map<String, OptionSpec> byKey = new LinkedHashMap<>();
        for (OptionSpec s : specs) {
            if (byKey.put(s.key(), s) != null) {
                throw new IllegalArgumentException("'" + namespace + "' declares option '" + s.key() + "' twice");
            }
        }
        ProviderOptions options = new ProviderOptions(namespace, Collections.unmodifiableMap(byKey),
                Collections.unmodifiableMap(new LinkedHashMap<>(values)));
        options.validate(List.copyOf(byKey.values()));
        return options;
    }

    /** The options of {@code provider}, set to {@code values} (keys without the provider's name). */
    public static ProviderOptions of(ComponentProvider<?> provider, Map<String, String> values) {
        return of(provider.name(), provider.options(), values);
    }

    private void validate(List<OptionSpec> declared) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            OptionSpec spec = spec(e.getKey()).orElseThrow(() -> new IllegalArgumentException("Unknown option '"
                    + qualified(e.getKey()) + "': '" + namespace + "' " + (declared.isEmpty() ? "takes no options"
                    : "takes " + String.join(", ", declared.stream().map(s -> qualified(s.key())).toList()))));
            parse(e.getKey(), e.getValue(), spec);
        }
        for (OptionSpec s : declared) {
            if (s.required() && !isSet(s.key())) {
                throw new IllegalArgumentException("Option '" + qualified(s.key()) + "' is required: "
                        + s.description() + " (" + s.type().expected(s.choices()) + "); set it with option(\""
                        + qualified(s.key()) + "\", value)");
            }
        }
    }

    /** The provider's name, which prefixes its keys. */
    public String namespace() {
        return namespace;
    }

    /** The options the provider declared, in a stable order. */
    public List<OptionSpec> specs() {
        return List.copyOf(specs.values());
    }

    /** The values the user set, by key without the provider's name. */
    public Map<String, String> values() {
        return values;
    }

    /** {@code key} as users write it: {@code "tensorboard.flush_secs"}. */
    public String qualified(String key) {
        return namespace.isEmpty() ? key : namespace + "." + key;
    }

    /** Whether the user set {@code key}. */
    public boolean isSet(String key) {
        return values.containsKey(key);
    }

    /** The user's value of {@code key}, else its default; empty when neither exists. */
    public Optional<String> get(String key) {
        OptionSpec spec = declared(key);
        String v = values.get(key);
        return Optional.ofNullable(v != null ? v : spec.defaultValue());
    }

    /**
     * The value of {@code key} (the user's, else the default) read by {@code transformer}; empty when neither
     * exists. Any exception of the transformer becomes an {@link IllegalArgumentException} naming the key, the
     * value and the transformer's message.
     */
    public <T> Optional<T> get(String key, Function<String, ? extends T> transformer) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(transformer.apply(v.get()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(invalid(key, v.get()) + e.getMessage(), e);
        }
    }

    /** The string value of {@code key}. */
    public String getString(String key) {
        return (String) typed(key, OptionType.STRING);
    }

    /** The int value of {@code key}. */
    public int getInt(String key) {
        return (Integer) typed(key, OptionType.INT);
    }

    /** The long value of {@code key}. */
    public long getLong(String key) {
        return (Long) typed(key, OptionType.LONG);
    }

    /** The double value of {@code key}. */
    public double getDouble(String key) {
        return (Double) typed(key, OptionType.DOUBLE);
    }

    /** The boolean value of {@code key}. */
    public boolean getBoolean(String key) {
        return (Boolean) typed(key, OptionType.BOOLEAN);
    }

    /** The duration value of {@code key}. */
    public Duration getDuration(String key) {
        return (Duration) typed(key, OptionType.DURATION);
    }

    /** The path value of {@code key}. */
    public Path getPath(String key) {
        return (Path) typed(key, OptionType.PATH);
    }

    /** The choice {@code key} is set to, spelled as declared. */
    public String getEnum(String key) {
        return (String) typed(key, OptionType.ENUM);
    }

    /**
     * The values of a family of keys declared as {@code prefix + "*"}: {@code withPrefix("tag.")} gives
     * {@code {team=vision}} for {@code mlflow.tag.team=vision}; sorted by key.
     */
    public Map<String, String> withPrefix(String prefix) {
        declared(prefix + "*");
        Map<String, String> out = new LinkedHashMap<>();
        values.keySet().stream().filter(k -> k.startsWith(prefix)).sorted()
                .forEach(k -> out.put(k.substring(prefix.length()), values.get(k)));
        return out;
    }

    private Object typed(String key, OptionType type) {
        OptionSpec spec = declared(key);
        String v = get(key).orElseThrow(() -> new IllegalStateException("option '" + qualified(key) + "' is not set "
                + "and has no default: read it with get(\"" + key + "\"), or declare a default or asRequired()"));
        return parse(key, v, type == spec.type() ? spec : new OptionSpec(key, type, null, "", type == OptionType.ENUM
                ? spec.choices() : List.of(), false));
    }

    private Object parse(String key, String value, OptionSpec spec) {
        try {
            return spec.type().parse(value, spec.choices());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(invalid(key, value) + "expected " + spec.type().expected(spec.choices()),
                    e);
        }
    }

    private String invalid(String key, String value) {
        return "Invalid value '" + value + "' for option '" + qualified(key) + "': ";
    }

    private Optional<OptionSpec> spec(String key) {
        OptionSpec exact = specs.get(key);
        if (exact != null) {
            return Optional.of(exact);
        }
        return specs.values().stream().filter(s -> s.matches(key)).findFirst();
    }

    /** A key the provider reads must be declared: reading another is a bug in the provider, not the user's. */
    private OptionSpec declared(String key) {
        OptionSpec spec = specs.get(key);
        if (spec == null) {
            throw new IllegalStateException("'" + namespace + "' reads option '" + key + "' without declaring it in "
                    + "options(); declared: " + specs.keySet());
        }
        return spec;
    }

    /** The keys set, qualified, for logs; never the values, which may hold credentials. */
    @Override
    public String toString() {
        return values.keySet().stream().map(this::qualified).toList().toString();
    }
}
