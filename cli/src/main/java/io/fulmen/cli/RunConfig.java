package io.fulmen.cli;

import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.plugin.PluginRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The merged configuration checked and completed: every key known, every value of its type, the model and data
 * classes found with their arguments bound, callbacks and loggers found with their options. {@link #tree()} is the
 * complete configuration ({@code --print_config}, {@code config.yaml}): running it again reproduces the run.
 */
final class RunConfig {
    static final List<String> TOP_LEVEL = List.of("seed_everything", "trainer", "model", "data", "optimizer",
            "lr_scheduler", "ckpt_path");

    private final Map<String, Object> tree = new LinkedHashMap<>();
    private final Map<String, Object> trainer = new LinkedHashMap<>();
    private List<Components.Entry> callbacks;
    private Object logger;
    private Bound model;
    private Bound data;
    private OptimizerShortcuts optimizers;

    /** A class with its binding and checked arguments. */
    record Bound(ClassBinding binding, Map<String, Object> args) {
        Object create() {
            return binding.create(args);
        }
    }

    private RunConfig() {}

    /**
     * A builder with only the trainer section's plugin settings ({@code plugins_dir},
     * {@code allow_writable_plugins_dir}): where to discover the providers that {@link #resolve} checks names against.
     */
    static TrainerBuilder pluginSources(Map<String, Object> root) {
        TrainerBuilder builder = Trainer.builder();
        Map<String, Object> given = section(root, "trainer");
        for (String key : List.of("plugins_dir", "allow_writable_plugins_dir")) {
            TrainerArgument a = TrainerArguments.find(key).orElseThrow();
            a.applyTo(builder, a.type().check("trainer." + key, given.get(key)));
        }
        return builder;
    }

    /** Checks and completes {@code root}; callbacks and loggers are looked up in {@code plugins}. */
    static RunConfig resolve(Map<String, Object> root, ClassLocator classes, PluginRegistry plugins) {
        RunConfig c = new RunConfig();
        for (String key : root.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw new UsageException("unknown key " + key + ": the configuration has " + String.join(", ",
                        TOP_LEVEL) + "." + Names.didYouMean(key, TOP_LEVEL));
            }
        }
        c.tree.put("seed_everything", seed(root.getOrDefault("seed_everything", true)));
        Map<String, Object> given = section(root, "trainer");
        c.trainerArguments(given);
        c.callbacks = Components.callbacks(given.get("callbacks"), plugins, classes);
        c.logger = Components.logger(given.get("logger"), plugins, classes);
        Map<String, Object> trainerTree = new LinkedHashMap<>();
        c.trainer.forEach((k, v) -> {
            trainerTree.put(k, v);
            if (k.equals("precision")) {
                trainerTree.put("logger", Components.printed(c.logger));
                trainerTree.put("callbacks", Components.printed(c.callbacks));
            }
        });
        c.tree.put("trainer", trainerTree);
        c.model = bind(root.get("model"), "model", classes, LightningModule.class, true);
        c.tree.put("model", printed(c.model));
        c.data = bind(root.get("data"), "data", classes, LightningDataModule.class, false);
        c.tree.put("data", c.data == null ? null : printed(c.data));
        c.optimizers = OptimizerShortcuts.resolve(root.get("optimizer"), root.get("lr_scheduler"));
        c.tree.put("optimizer", c.optimizers.printedOptimizer());
        c.tree.put("lr_scheduler", c.optimizers.printedScheduler());
        Object ckpt = root.get("ckpt_path");
        if (ckpt != null && !(ckpt instanceof String)) {
            throw new UsageException("ckpt_path: expected a path, last or best, got " + Names.shown(ckpt));
        }
        c.tree.put("ckpt_path", ckpt);
        return c;
    }

    Map<String, Object> tree() {
        return tree;
    }

    /** The seed, or null for none. */
    Long seed() {
        return (Long) tree.get("seed_everything");
    }

    String ckptPath() {
        return (String) tree.get("ckpt_path");
    }

    Bound model() {
        return model;
    }

    /** Null when the configuration names no data module (the model's own loaders then serve). */
    Bound data() {
        return data;
    }

    /** The optimizer and schedule given by name, in place of the model's configureOptimizers(). */
    OptimizerShortcuts optimizers() {
        return optimizers;
    }

    /** Every trainer setting, callback, logger and the optimizer shortcuts onto {@code builder}. */
    void configure(TrainerBuilder builder) {
        TrainerArguments.ALL.forEach(a -> a.applyTo(builder, trainer.get(a.name())));
        builder.configureOptimizers(optimizers.configureOptimizers());
        Components.applyCallbacks(builder, callbacks);
        Components.applyLogger(builder, logger);
    }

    private void trainerArguments(Map<String, Object> given) {
        List<String> known = new java.util.ArrayList<>(TrainerArguments.ALL.stream().map(TrainerArgument::name)
                .toList());
        known.add("logger");
        known.add("callbacks");
        for (String key : given.keySet()) {
            if (!known.contains(key)) {
                throw new UsageException("unknown key trainer." + key + "." + Names.didYouMean(key, known, "trainer.")
                        + " Trainer arguments: " + String.join(", ", known) + " (fulmen fit --help describes them)");
            }
        }
        for (TrainerArgument a : TrainerArguments.ALL) {
            Object value = given.containsKey(a.name()) ? a.type().check("trainer." + a.name(), given.get(a.name()))
                    : a.defaultValue();
            trainer.put(a.name(), value);
        }
    }

    private static Object seed(Object value) {
        if (Boolean.TRUE.equals(value)) {
            return (long) ThreadLocalRandom.current().nextInt(0, Integer.MAX_VALUE);
        }
        if (value == null || Boolean.FALSE.equals(value)) {
            return null;
        }
        return JavaValues.convert("seed_everything", value, long.class);
    }

    private static Map<String, Object> section(Map<String, Object> root, String key) {
        Object value = root.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map)) {
            throw new UsageException(key + ": expected a mapping, got " + Names.shown(value));
        }
        return ConfigTree.mapping(value);
    }

    private static Bound bind(Object value, String key, ClassLocator classes, Class<?> kind, boolean required) {
        Map<String, Object> section = value instanceof String name ? Map.of("class_path", name)
                : section(Map.of(key, value == null ? Map.of() : value), key);
        Object classPath = section.get("class_path");
        if (classPath == null) {
            if (required) {
                throw new UsageException("missing " + key + ".class_path: name the " + kind.getSimpleName()
                        + " class, e.g. --" + key + ".class_path=com.example.MyModel");
            }
            if (!section.isEmpty()) {
                throw new UsageException(key + ": arguments " + section.keySet() + " but no " + key + ".class_path");
            }
            return null;
        }
        if (!(classPath instanceof String)) {
            throw new UsageException(key + ".class_path: expected a class name, got " + Names.shown(classPath));
        }
        Map<String, Object> initArgs = new LinkedHashMap<>();
        Object nested = section.get("init_args");
        if (nested instanceof Map<?, ?> m) {
            initArgs.putAll(ConfigTree.mapping(m));
        } else if (nested != null) {
            throw new UsageException(key + ".init_args: expected a mapping, got " + Names.shown(nested));
        }
        section.forEach((k, v) -> {
            if (!k.equals("class_path") && !k.equals("init_args")) {
                initArgs.put(k, v);
            }
        });
        ClassBinding binding = ClassBinding.of(classes.load(key + ".class_path", (String) classPath, kind), key);
        return new Bound(binding, binding.resolve(initArgs));
    }

    private static Map<String, Object> printed(Bound b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class_path", b.binding().type().getName());
        Map<String, Object> args = new LinkedHashMap<>();
        b.args().forEach((k, v) -> args.put(k, JavaValues.printable(v)));
        out.put("init_args", args);
        return out;
    }
}
