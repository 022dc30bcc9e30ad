package io.fulmen.cli;

import io.fulmen.callback.Callback;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.OptionSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code trainer.callbacks} and {@code trainer.logger}: providers by name with their options, or classes by name
 * with their constructor arguments. An entry is a name ({@code early_stopping}, {@code com.acme.MyCallback}), a
 * mapping of {@code name} and options ({@code {name: early_stopping, patience: 3}}), or LightningCLI's
 * {@code {class_path: early_stopping, init_args: {patience: 3}}}. A name that is no provider's and reads as a class
 * name is loaded from the classpath or {@code --classpath} and its {@code init_args} bound as a model's are
 * ({@link ClassBinding}). The resolved form, printed by {@code --print_config}, is the second for providers, with
 * every declared option and its default, and the third for classes.
 */
final class Components {
    /** One resolved entry: as {@code --print_config} prints it, and for a class, its binding and arguments. */
    record Entry(Map<String, Object> printed, ClassBinding binding, Map<String, Object> args) {
        String providerName() {
            return (String) printed.get("name");
        }

        Object create() {
            return binding.create(args);
        }
    }

    private Components() {}

    /** {@code trainer.callbacks}: null or a list of entries. */
    static List<Entry> callbacks(Object value, PluginRegistry plugins, ClassLocator classes) {
        if (value == null) {
            return List.of();
        }
        return entries("trainer.callbacks", value instanceof List<?> l ? l : List.of(value),
                plugins.providers(CallbackProvider.class), classes, Callback.class);
    }

    /**
     * {@code trainer.logger}: null or true (the Trainer's default, printed as null), false (no logger), or one entry
     * or a list of them.
     */
    static Object logger(Object value, PluginRegistry plugins, ClassLocator classes) {
        if (value == null || Boolean.TRUE.equals(value)) {
            return null;
        }
        if (Boolean.FALSE.equals(value)) {
            return false;
        }
        return entries("trainer.logger", value instanceof List<?> l ? l : List.of(value),
                plugins.providers(ExperimentLoggerProvider.class), classes, ExperimentLogger.class);
    }

    /** {@link #logger}'s or {@link #callbacks}' result as printed. */
    static Object printed(Object resolved) {
        if (resolved instanceof List<?> entries) {
            return entries.stream().map(e -> ((Entry) e).printed()).toList();
        }
        return resolved;
    }

    /** Names and options onto {@code builder} (the options namespaced as {@code <name>.<key>}), classes built. */
    static void applyCallbacks(TrainerBuilder builder, List<Entry> callbacks) {
        for (Entry c : callbacks) {
            if (c.binding() != null) {
                builder.callbacks((Callback) c.create());
            } else {
                builder.callbacks(c.providerName());
                options(builder, c.providerName(), c.printed());
            }
        }
    }

    /** {@code logger} as {@link #logger} resolved it, onto {@code builder}. */
    static void applyLogger(TrainerBuilder builder, Object logger) {
        if (Boolean.FALSE.equals(logger)) {
            builder.logger(false);
        } else if (logger instanceof List<?> entries) {
            for (Object e : entries) {
                Entry entry = (Entry) e;
                if (entry.binding() != null) {
                    builder.logger((ExperimentLogger) entry.create());
                } else {
                    builder.logger(entry.providerName());
                    options(builder, entry.providerName(), entry.printed());
                }
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

    private static <P extends ComponentProvider<?>> List<Entry> entries(
            String key, List<?> given, Registry<P> registry, ClassLocator classes, Class<?> kind) {
        List<Entry> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String where = key + "[" + i + "]";
            Map<String, Object> entry = entry(where, given.get(i));
            String name = String.valueOf(entry.remove("name"));
            P provider = registry.find(name).orElse(null);
            if (provider == null && name.contains(".")) {
                out.add(classEntry(where, name, entry, classes, kind));
                continue;
            }
            if (provider == null) {
                throw new UsageException(where + ": unknown " + registry.kind() + " '" + name + "'; installed: "
                        + String.join(", ", registry.names()) + "." + Names.didYouMean(name, registry.names())
                        + " (fulmen plugins lists them with their options; a class is named with its package)");
            }
            if (!seen.add(provider.name())) {
                throw new UsageException(where + ": " + provider.name() + " is given twice; its options are"
                        + " namespaced by name, so each " + registry.kind() + " may appear once");
            }
            out.add(new Entry(resolved(where, provider, entry), null, null));
        }
        return out;
    }

    /** A class by name: {@code entry} holds its arguments (from {@code init_args} or beside {@code class_path}). */
    private static Entry classEntry(String where, String name, Map<String, Object> args, ClassLocator classes,
                                    Class<?> kind) {
        ClassBinding binding = ClassBinding.of(classes.load(where + ".class_path", name, kind), where);
        Map<String, Object> bound = binding.resolve(args);
        Map<String, Object> printed = new LinkedHashMap<>();
        printed.put("class_path", binding.type().getName());
        Map<String, Object> initArgs = new LinkedHashMap<>();
        bound.forEach((k, v) -> initArgs.put(k, JavaValues.printable(v)));
        printed.put("init_args", initArgs);
        return new Entry(printed, binding, bound);
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
