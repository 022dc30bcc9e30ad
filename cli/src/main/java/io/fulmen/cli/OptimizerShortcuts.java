package io.fulmen.cli;

import io.fulmen.optim.Adam;
import io.fulmen.optim.AdamW;
import io.fulmen.optim.Interval;
import io.fulmen.optim.LrScheduler;
import io.fulmen.optim.Optimizer;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Schedules;
import io.fulmen.optim.Sgd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * LightningCLI's {@code optimizer} and {@code lr_scheduler} keys over Fulmen's optimizers and schedules: given an
 * optimizer, every fit uses it (and the schedule, stepped every epoch as LightningCLI's
 * {@code ([optimizer], [lr_scheduler])} is) instead of the model's {@code configureOptimizers()}. A value is a name
 * ({@code Adam}, also {@code torch.optim.Adam}), or {@code {class_path: NAME, init_args: {...}}}; the arguments are
 * PyTorch's, snake_case, with PyTorch's defaults.
 */
final class OptimizerShortcuts {
    /** What an argument may be. */
    enum Kind {
        FLOAT("float"), INT("int"), BOOL("bool"), FLOAT_PAIR("[float, float]"), INT_LIST("list[int]");

        private final String display;

        Kind(String display) {
            this.display = display;
        }

        Object check(String key, Object value) {
            return switch (this) {
                case FLOAT -> ArgumentType.FLOAT.check(key, value);
                case INT -> ArgumentType.INT.check(key, value);
                case BOOL -> ArgumentType.BOOL.check(key, value);
                case FLOAT_PAIR, INT_LIST -> list(key, value);
            };
        }

        private List<Object> list(String key, Object value) {
            if (!(value instanceof List<?> items) || (this == FLOAT_PAIR && items.size() != 2)) {
                throw new UsageException(key + ": expected " + display + ", got " + Names.shown(value));
            }
            List<Object> out = new ArrayList<>();
            for (Object item : items) {
                try {
                    out.add((this == FLOAT_PAIR ? ArgumentType.FLOAT : ArgumentType.INT).check(key, item));
                } catch (UsageException e) {
                    throw new UsageException(key + ": expected " + display + ", got " + Names.shown(value));
                }
            }
            return out;
        }
    }

    /** One argument: PyTorch's name, its kind and its default (null: required). */
    record Param(String name, Kind kind, Object defaultValue) {}

    /** An optimizer or a schedule by PyTorch's class name, with its arguments and how to build it from them. */
    record Shortcut(String name, List<Param> params, Function<Args, Object> create) {
        String signature() {
            return name + "(" + params.stream().map(p -> p.name() + "=" + (p.defaultValue() == null ? "REQUIRED"
                    : String.valueOf(p.defaultValue()).replace("E", "e"))).collect(Collectors.joining(", ")) + ")";
        }
    }

    /** Checked arguments by name. */
    record Args(Map<String, Object> values) {
        float f(String name) {
            return ((Number) values.get(name)).floatValue();
        }

        int i(String name) {
            return Math.toIntExact(((Number) values.get(name)).longValue());
        }

        boolean b(String name) {
            return (Boolean) values.get(name);
        }

        float pairItem(String name, int index) {
            return ((Number) ((List<?>) values.get(name)).get(index)).floatValue();
        }

        int[] ints(String name) {
            return ((List<?>) values.get(name)).stream().mapToInt(v -> Math.toIntExact(((Number) v).longValue()))
                    .toArray();
        }
    }

    static final List<Shortcut> OPTIMIZERS = List.of(
            new Shortcut("Adam", adamParams(0.0), a -> Adam.builder().lr(a.f("lr"))
                    .betas(a.pairItem("betas", 0), a.pairItem("betas", 1)).eps(a.f("eps"))
                    .weightDecay(a.f("weight_decay")).build()),
            new Shortcut("AdamW", adamParams(0.01), a -> AdamW.builder().lr(a.f("lr"))
                    .betas(a.pairItem("betas", 0), a.pairItem("betas", 1)).eps(a.f("eps"))
                    .weightDecay(a.f("weight_decay")).build()),
            new Shortcut("SGD", List.of(new Param("lr", Kind.FLOAT, 0.01), new Param("momentum", Kind.FLOAT, 0.0),
                    new Param("dampening", Kind.FLOAT, 0.0), new Param("weight_decay", Kind.FLOAT, 0.0),
                    new Param("nesterov", Kind.BOOL, false)),
                    a -> Sgd.builder().lr(a.f("lr")).momentum(a.f("momentum")).dampening(a.f("dampening"))
                            .weightDecay(a.f("weight_decay")).nesterov(a.b("nesterov")).build()));

    static final List<Shortcut> SCHEDULERS = List.of(
            new Shortcut("StepLR", List.of(new Param("step_size", Kind.INT, null), new Param("gamma", Kind.FLOAT, 0.1)),
                    a -> Schedules.step(a.i("step_size"), a.f("gamma"))),
            new Shortcut("MultiStepLR", List.of(new Param("milestones", Kind.INT_LIST, null),
                    new Param("gamma", Kind.FLOAT, 0.1)), a -> Schedules.multiStep(a.f("gamma"), a.ints("milestones"))),
            new Shortcut("ExponentialLR", List.of(new Param("gamma", Kind.FLOAT, null)),
                    a -> Schedules.exponential(a.f("gamma"))),
            new Shortcut("CosineAnnealingLR", List.of(new Param("T_max", Kind.INT, null),
                    new Param("eta_min", Kind.FLOAT, 0.0)), a -> Schedules.cosine(a.i("T_max"), a.f("eta_min"))),
            new Shortcut("LinearLR", List.of(new Param("start_factor", Kind.FLOAT, 1.0 / 3),
                    new Param("end_factor", Kind.FLOAT, 1.0), new Param("total_iters", Kind.INT, 5L)),
                    a -> Schedules.linear(a.f("start_factor"), a.f("end_factor"), a.i("total_iters"))),
            new Shortcut("PolynomialLR", List.of(new Param("total_iters", Kind.INT, 5L),
                    new Param("power", Kind.FLOAT, 1.0)),
                    a -> Schedules.polynomial(a.i("total_iters"), a.f("power"))),
            new Shortcut("OneCycleLR", List.of(new Param("max_lr", Kind.FLOAT, null),
                    new Param("total_steps", Kind.INT, null), new Param("pct_start", Kind.FLOAT, 0.3),
                    new Param("div_factor", Kind.FLOAT, 25.0), new Param("final_div_factor", Kind.FLOAT, 1e4)),
                    a -> Schedules.oneCycle(a.f("max_lr"), a.i("total_steps"), a.f("pct_start"), a.f("div_factor"),
                            a.f("final_div_factor"))));

    /** A shortcut with its checked arguments. */
    record Chosen(Shortcut shortcut, Map<String, Object> args) {
        Object create() {
            return shortcut.create().apply(new Args(args));
        }

        /** As {@code --print_config} writes it. */
        Map<String, Object> printed() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("class_path", shortcut.name());
            out.put("init_args", new LinkedHashMap<>(args));
            return out;
        }
    }

    private final Chosen optimizer;
    private final Chosen scheduler;

    private OptimizerShortcuts(Chosen optimizer, Chosen scheduler) {
        this.optimizer = optimizer;
        this.scheduler = scheduler;
    }

    /** The {@code optimizer} and {@code lr_scheduler} values checked; fails on a schedule without an optimizer. */
    static OptimizerShortcuts resolve(Object optimizer, Object lrScheduler) {
        Chosen o = choose("optimizer", optimizer, OPTIMIZERS);
        Chosen s = choose("lr_scheduler", lrScheduler, SCHEDULERS);
        if (o == null && s != null) {
            throw new UsageException("lr_scheduler " + s.shortcut().name() + " needs an optimizer to schedule: give"
                    + " --optimizer too (e.g. --optimizer=Adam), or schedule in the model's configureOptimizers()");
        }
        return new OptimizerShortcuts(o, s);
    }

    /** Null when no optimizer was given: the model's own configureOptimizers() then serves. */
    Supplier<OptimizerConfig> configureOptimizers() {
        if (optimizer == null) {
            return null;
        }
        return () -> {
            OptimizerConfig config = OptimizerConfig.of((Optimizer) optimizer.create());
            return scheduler == null ? config : config.withScheduler((LrScheduler) scheduler.create(), Interval.EPOCH);
        };
    }

    String optimizerName() {
        return optimizer == null ? null : optimizer.shortcut().name();
    }

    Map<String, Object> printedOptimizer() {
        return optimizer == null ? null : optimizer.printed();
    }

    Map<String, Object> printedScheduler() {
        return scheduler == null ? null : scheduler.printed();
    }

    /** The help line of {@code --optimizer} or {@code --lr_scheduler}. */
    static String help(String key, List<Shortcut> shortcuts) {
        return (key.equals("optimizer") ? "replaces the model's configureOptimizers() with one of "
                : "a learning-rate schedule for --optimizer, stepped every epoch: one of ")
                + shortcuts.stream().map(Shortcut::signature).collect(Collectors.joining(", "))
                + "; --" + key + ".NAME=VALUE sets an argument (default: null)";
    }

    private static Chosen choose(String key, Object value, List<Shortcut> shortcuts) {
        if (value == null) {
            return null;
        }
        Map<String, Object> section;
        if (value instanceof String name) {
            section = new LinkedHashMap<>(Map.of("class_path", name));
        } else if (value instanceof Map<?, ?> map) {
            section = new LinkedHashMap<>(ConfigTree.mapping(map));
        } else {
            throw new UsageException(key + ": expected a name or {class_path: NAME, init_args: {...}}, got "
                    + Names.shown(value));
        }
        Object classPath = section.remove("class_path");
        if (!(classPath instanceof String name)) {
            throw new UsageException("missing " + key + ".class_path: name one of " + names(shortcuts)
                    + ", e.g. --" + key + "=" + shortcuts.get(0).name());
        }
        Shortcut shortcut = find(key, name, shortcuts);
        Map<String, Object> given = new LinkedHashMap<>();
        Object initArgs = section.remove("init_args");
        if (initArgs instanceof Map<?, ?> m) {
            given.putAll(ConfigTree.mapping(m));
        } else if (initArgs != null) {
            throw new UsageException(key + ".init_args: expected a mapping, got " + Names.shown(initArgs));
        }
        given.putAll(section);
        List<String> known = shortcut.params().stream().map(Param::name).toList();
        for (String k : given.keySet()) {
            if (!known.contains(k)) {
                throw new UsageException("unknown key " + key + ".init_args." + k + ": " + shortcut.name() + " takes "
                        + String.join(", ", known) + "." + Names.didYouMean(k, known, key + ".init_args."));
            }
        }
        Map<String, Object> args = new LinkedHashMap<>();
        for (Param p : shortcut.params()) {
            Object v = given.get(p.name());
            String where = key + ".init_args." + p.name();
            if (v == null && p.defaultValue() == null) {
                throw new UsageException("missing " + where + ": " + shortcut.name() + " needs it (" + p.kind().display
                        + "), e.g. --" + key + "." + p.name() + "=VALUE");
            }
            args.put(p.name(), p.kind().check(where, v == null ? p.defaultValue() : v));
        }
        Chosen chosen = new Chosen(shortcut, args);
        try {
            chosen.create();
        } catch (IllegalArgumentException e) {
            throw new UsageException(key + ": " + shortcut.name() + ": " + e.getMessage(), e);
        }
        return chosen;
    }

    /** {@code Adam}, {@code torch.optim.Adam}, {@code io.fulmen.optim.Adam} or Fulmen's {@code Sgd}. */
    private static Shortcut find(String key, String name, List<Shortcut> shortcuts) {
        String simple = name.substring(name.lastIndexOf('.') + 1);
        for (Shortcut s : shortcuts) {
            if (s.name().equals(simple) || s.name().equals("SGD") && simple.equals("Sgd")) {
                return s;
            }
        }
        List<String> names = shortcuts.stream().map(Shortcut::name).toList();
        throw new UsageException(key + ".class_path: unknown " + (key.equals("optimizer") ? "optimizer" : "schedule")
                + " '" + name + "'; Fulmen has " + names(shortcuts) + "." + Names.didYouMean(simple, names)
                + " (fulmen fit --help lists their arguments)");
    }

    private static String names(List<Shortcut> shortcuts) {
        return shortcuts.stream().map(Shortcut::name).collect(Collectors.joining(", "));
    }

    private static List<Param> adamParams(double weightDecay) {
        return List.of(new Param("lr", Kind.FLOAT, 1e-3), new Param("betas", Kind.FLOAT_PAIR, List.of(0.9, 0.999)),
                new Param("eps", Kind.FLOAT, 1e-8), new Param("weight_decay", Kind.FLOAT, weightDecay));
    }
}
