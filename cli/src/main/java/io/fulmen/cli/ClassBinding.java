package io.fulmen.cli;

import io.fulmen.HyperParameter;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a class named by {@code class_path} is built from its {@code init_args}, found as {@code loadFromCheckpoint}
 * finds it: a constructor whose parameters are all {@link HyperParameter}s, else a constructor taking one record
 * (its components), else a static {@code builder()} (its one-argument methods, all optional), else a no-argument
 * constructor. Names are compared in snake_case, so {@code batchSize} is written {@code batch_size}.
 */
final class ClassBinding {
    /** One argument: its snake_case name, Java type, and whether it must be given. */
    record Parameter(String name, Class<?> type, boolean required) {
        String describe() {
            return name + " (" + JavaValues.describe(type) + (required ? "" : ", optional") + ")";
        }
    }

    private final Class<?> type;
    private final String key;
    private final Executable target;
    private final Map<String, Method> builderMethods;
    private final List<Parameter> parameters;

    private ClassBinding(Class<?> type, String key, Executable target, Map<String, Method> builderMethods,
                         List<Parameter> parameters) {
        this.type = type;
        this.key = key;
        this.target = target;
        this.builderMethods = builderMethods;
        this.parameters = List.copyOf(parameters);
    }

    /** The binding of {@code type}; {@code key} ("model", "data") names it in messages. */
    static ClassBinding of(Class<?> type, String key) {
        for (Constructor<?> c : type.getConstructors()) {
            if (c.getParameterCount() > 0 && java.util.Arrays.stream(c.getParameters())
                    .allMatch(p -> p.isAnnotationPresent(HyperParameter.class))) {
                List<Parameter> params = new ArrayList<>();
                for (java.lang.reflect.Parameter p : c.getParameters()) {
                    params.add(new Parameter(Names.snake(p.getAnnotation(HyperParameter.class).value()),
                            p.getType(), true));
                }
                return checked(new ClassBinding(type, key, c, Map.of(), params));
            }
        }
        for (Constructor<?> c : type.getConstructors()) {
            if (c.getParameterCount() == 1 && c.getParameterTypes()[0].isRecord()) {
                List<Parameter> params = new ArrayList<>();
                for (RecordComponent rc : c.getParameterTypes()[0].getRecordComponents()) {
                    params.add(new Parameter(Names.snake(rc.getName()), rc.getType(), true));
                }
                return checked(new ClassBinding(type, key, c, Map.of(), params));
            }
        }
        ClassBinding builder = builderBinding(type, key);
        if (builder != null) {
            return builder;
        }
        try {
            return new ClassBinding(type, key, type.getConstructor(), Map.of(), List.of());
        } catch (NoSuchMethodException e) {
            throw new UsageException(key + ".class_path: " + type.getName() + " has no constructor the command line"
                    + " can call: give it a public constructor whose parameters are all @HyperParameter, one taking"
                    + " a record, a static builder(), or no arguments");
        }
    }

    private static ClassBinding builderBinding(Class<?> type, String key) {
        Method factory;
        Method build;
        try {
            factory = type.getMethod("builder");
            build = factory.getReturnType().getMethod("build");
        } catch (NoSuchMethodException e) {
            return null;
        }
        if (!Modifier.isStatic(factory.getModifiers()) || !type.isAssignableFrom(build.getReturnType())) {
            return null;
        }
        Map<String, Method> setters = new LinkedHashMap<>();
        List<Parameter> params = new ArrayList<>();
        for (Method m : factory.getReturnType().getMethods()) {
            if (m.getParameterCount() == 1 && m.getReturnType() == factory.getReturnType()
                    && !Modifier.isStatic(m.getModifiers()) && JavaValues.supported(m.getParameterTypes()[0])
                    && setters.putIfAbsent(Names.snake(m.getName()), m) == null) {
                params.add(new Parameter(Names.snake(m.getName()), m.getParameterTypes()[0], false));
            }
        }
        params.sort(java.util.Comparator.comparing(Parameter::name));
        return new ClassBinding(type, key, factory, setters, params);
    }

    private static ClassBinding checked(ClassBinding b) {
        for (Parameter p : b.parameters) {
            if (!JavaValues.supported(p.type())) {
                throw new UsageException(b.key + ".class_path: " + b.type.getName() + "'s argument " + p.name()
                        + " is a " + p.type().getName() + ", which YAML cannot give (numbers, booleans, strings,"
                        + " paths and enums only)");
            }
        }
        return b;
    }

    Class<?> type() {
        return type;
    }

    List<Parameter> parameters() {
        return parameters;
    }

    /**
     * {@code initArgs} checked and converted, in declaration order: an unknown name fails with the closest one and
     * the list, a missing required one or a value of the wrong type fails naming the key and the type.
     */
    Map<String, Object> resolve(Map<String, Object> initArgs) {
        Map<String, Object> given = new LinkedHashMap<>();
        initArgs.forEach((k, v) -> given.put(Names.snake(k), v));
        List<String> names = parameters.stream().map(Parameter::name).toList();
        for (String k : given.keySet()) {
            if (!names.contains(k)) {
                throw new UsageException("unknown key " + key + ".init_args." + k + ": " + type.getName()
                        + (parameters.isEmpty() ? " takes no arguments." : " takes " + list() + ".")
                        + Names.didYouMean(k, names, key + ".init_args."));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            String where = key + ".init_args." + p.name();
            if (given.containsKey(p.name())) {
                out.put(p.name(), JavaValues.convert(where, given.get(p.name()), p.type()));
            } else if (p.required()) {
                throw new UsageException("missing " + where + ": " + type.getName() + " takes " + list());
            }
        }
        return out;
    }

    /** A new instance from {@link #resolve} output; a constructor's {@link IllegalArgumentException} is a usage error. */
    Object create(Map<String, Object> args) {
        try {
            if (target instanceof Method factory) {
                Object builder = factory.invoke(null);
                for (Map.Entry<String, Object> e : args.entrySet()) {
                    builderMethods.get(e.getKey()).invoke(builder, e.getValue());
                }
                return factory.getReturnType().getMethod("build").invoke(builder);
            }
            Constructor<?> c = (Constructor<?>) target;
            if (c.getParameterCount() == 1 && c.getParameterTypes()[0].isRecord()) {
                Class<?> record = c.getParameterTypes()[0];
                Class<?>[] types = java.util.Arrays.stream(record.getRecordComponents())
                        .map(RecordComponent::getType).toArray(Class<?>[]::new);
                Constructor<?> canonical = record.getDeclaredConstructor(types);
                canonical.setAccessible(true);
                return c.newInstance(canonical.newInstance(args.values().toArray()));
            }
            return c.newInstance(args.values().toArray());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw new UsageException(key + ".init_args: " + type.getName() + " refused them: " + bad.getMessage(),
                        bad);
            }
            throw e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException("could not create " + type.getName() + ": " + e.getCause(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not create " + type.getName() + ": " + e, e);
        }
    }

    private String list() {
        return parameters.stream().map(Parameter::describe).collect(Collectors.joining(", "));
    }
}
