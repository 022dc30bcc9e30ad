package io.fulmen.spi;

import java.util.Map;
import java.util.Optional;

/** String options handed to a provider's {@code create}; immutable. */
public record PluginOptions(Map<String, String> values) {
    private static final PluginOptions EMPTY = new PluginOptions(Map.of());

    public PluginOptions {
        values = Map.copyOf(values);
    }

    public static PluginOptions empty() {
        return EMPTY;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public int getInt(String key, int fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '" + key + "' must be an integer, got '" + v + "'", e);
        }
    }
}
