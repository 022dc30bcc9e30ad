package io.fulmen.cli;

import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.OptionSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code trainer.callbacks} and {@code trainer.logger}: providers by name with their options. An entry is a name
 * ({@code early_stopping}), a mapping of {@code name} and options ({@code {name: early_stopping, patience: 3}}), or
 * LightningCLI's {@code {class_path: early_stopping, init_args: {patience: 3}}}. The resolved form, printed by
 * {@code --print_config}, is the second, with every declared option and its default.
 */
final class Components {
    private Components() {}

    /** {@code trainer.callbacks}: null or a list of entries. */
    static List<Map<String, Object>> callbacks(Object value, PluginRegistry plugins) {
        if (value == null) {
            return List.of();
        }
        return entries("trainer.callbacks", value instanceof List<?> l ? l : List.of(value),
                plugins.providers(CallbackProvider.class));
    }

    /**
     * {@code trainer.logger}: null or true (the Trainer's default, printed as null), false (no logger), or one entry
     * or a list of them.
     */
    static Object logger(Object value, PluginRegistry plugins) {
        if (value == null || Boolean.TRUE.equals(value)) {
            return null;
        }
        if (Boolean.FALSE.equals(value)) {
            return false;
        }
        return entries("trainer.logger", value instanceof List<?> l ? l : List.of(value),
                plugins.providers(ExperimentLoggerProvider.class));
    }

    /** Names and options onto {@code builder}: the options namespaced as {@code <name>.<key>}. */
    static void applyCallbacks(TrainerBuilder builder, List<Map<String, Object>> callbacks) {
        for (Map<String, Object> c : callbacks) {
            String name = (String) c.get("name");
            builder.callbacks(name);
            options(builder, name, c);
        }
    }

    /** {@code logger} as {@link #logger} resolved it, onto {@code builder}. */
    static void applyLogger(TrainerBuilder builder, Object logger) {
        if (Boolean.FALSE.equals(logger)) {
            builder.logger(false);
        } else if (logger instanceof List<?> entries) {
            for (Object e : entries) {
                Map<?, ?> entry = (Map<?, ?>) e;
                String name = (String) entry.get("name");
                builder.logger(name);
                options(builder, name, entry);
            }
        }
    }

    private static void options(TrainerBuilder builder, String name, Map<?, ?> entry) {
        entry.forEach((k, v) -> {
            if (!k.equals("name") && v != null) {
                builder.option(name + "." + k, String.valueOf(v));
            }
        });
    }

    private static <P extends ComponentProvider<?>> List<Map<String, Object>> entries(
            String key, List<?> given, Registry<P> registry) {
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String where = key + "[" + i + "]";
            Map<String, Object> entry = entry(where, given.get(i));
            String name = String.valueOf(entry.remove("name"));
            P provider = registry.find(name).orElseThrow(() -> new UsageException(where + ": unknown " + registry.kind()
                    + " '" + name + "'; installed: " + String.join(", ", registry.names()) + "."
                    + Names.didYouMean(name, registry.names()) + " (fulmen plugins lists them with their options)"));
            if (!seen.add(provider.name())) {
                throw new UsageException(where + ": " + provider.name() + " is given twice; its options are"
                        + " namespaced by name, so each " + registry.kind() + " may appear once");
            }
            out.add(resolved(where, provider, entry));
        }
        return out;
    }

    private static Map<String, Object> entry(String where, Object value) {
        Map<String, Object> entry = new LinkedHashMap<>();
        if (value instanceof String name) {
            entry.put("name", name);
            return entry;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new UsageException(where + ": expected a name or a mapping with 'name', got " + Names.shown(value));
        }
        map.forEach((k, v) -> entry.put(String.valueOf(k), v));
        if (entry.containsKey("class_path")) {
            Object initArgs = entry.remove("init_args");
            entry.put("name", entry.remove("class_path"));
            if (initArgs instanceof Map<?, ?> args) {
                args.forEach((k, v) -> entry.put(String.valueOf(k), v));
            } else if (initArgs != null) {
                throw new UsageException(where + ".init_args: expected a mapping, got " + Names.shown(initArgs));
            }
        }
        if (!(entry.get("name") instanceof String)) {
            throw new UsageException(where + ": expected 'name' (or 'class_path') naming a provider, got "
                    + Names.shown(entry.get("name")));
        }
        return entry;
    }

    private static Map<String, Object> resolved(String where, ComponentProvider<?> provider, Map<String, Object> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", provider.name());
        List<String> keys = provider.options().stream().map(OptionSpec::key).toList();
        given.forEach((k, v) -> {
            OptionSpec spec = provider.options().stream().filter(s -> s.matches(k)).findFirst()
                    .orElseThrow(() -> new UsageException("unknown key " + where + "." + k + ": " + provider.name()
                            + " takes " + (keys.isEmpty() ? "no options" : String.join(", ", keys)) + "."
                            + Names.didYouMean(k, keys, where + ".")));
            out.put(k, checked(where + "." + k, spec, v));
        });
        for (OptionSpec spec : provider.options()) {
            if (!spec.isFamily() && !out.containsKey(spec.key())) {
                if (spec.required()) {
                    throw new UsageException("missing " + where + "." + spec.key() + ": " + provider.name()
                            + " needs it (" + spec.type().expected(spec.choices()) + "): " + spec.description());
                }
                out.put(spec.key(), spec.defaultValue() == null ? null
                        : checked(where + "." + spec.key(), spec, spec.defaultValue()));
            }
        }
        return out;
    }

    private static Object checked(String where, OptionSpec spec, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List || value instanceof Map) {
            throw new UsageException(where + ": expected " + spec.type().expected(spec.choices()) + ", got "
                    + Names.shown(value));
        }
        Object parsed;
        try {
            parsed = spec.type().parse(String.valueOf(value), spec.choices());
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + ": expected " + spec.type().expected(spec.choices()) + ", got "
                    + Names.shown(value));
        }
        if (value instanceof Boolean && parsed instanceof String) {
            return value; // an enum such as save_last (true, false, link) keeps YAML's boolean
        }
        return parsed instanceof Number || parsed instanceof Boolean ? parsed : String.valueOf(value);
    }
}
