package io.fulmen.runtime.checkpoint;

import com.google.gson.JsonElement;
import io.fulmen.HyperParameter;
import io.fulmen.LightningModule;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a module from saved hyperparameters: through the constructor whose parameters are all annotated
 * {@link HyperParameter}, else through a constructor taking one record (the hyperparameters declared once, saved
 * with {@code saveHyperparameters(record)}), whose components are filled by name.
 */
final class ModuleFactory {
    private ModuleFactory() {}

    static <T extends LightningModule> T construct(Class<T> type, Map<String, Object> values, String source) {
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (annotated(c)) {
                Parameter[] params = c.getParameters();
                Object[] args = new Object[params.length];
                for (int i = 0; i < params.length; i++) {
                    String name = params[i].getAnnotation(HyperParameter.class).value();
                    args[i] = HyperparameterValues.convert(require(values, name, type, source), params[i].getType(),
                            name);
                }
                return type.cast(newInstance(c, args, type));
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (c.getParameterCount() == 1 && c.getParameterTypes()[0].isRecord()) {
                Object record = buildRecord(c.getParameterTypes()[0], values, type, source);
                return type.cast(newInstance(c, new Object[] {record}, type));
            }
        }
        throw new IllegalArgumentException(type.getName() + " has no constructor to rebuild it from hyperparameters: "
                + "take them as one record saved with saveHyperparameters(record), or annotate every constructor "
                + "parameter with @HyperParameter");
    }

    /**
     * The names {@code type}'s {@link HyperParameter} constructor declares that {@code saved} lacks: a module
     * that does not save them cannot be rebuilt by {@code loadFromCheckpoint}.
     */
    static List<String> unsaved(Class<? extends LightningModule> type, Map<String, Object> saved) {
        Optional<Constructor<?>> ctor = java.util.Arrays.stream(type.getDeclaredConstructors())
                .filter(ModuleFactory::annotated).findFirst();
        List<String> missing = new ArrayList<>();
        ctor.ifPresent(c -> {
            for (Parameter p : c.getParameters()) {
                String name = p.getAnnotation(HyperParameter.class).value();
                if (!saved.containsKey(name)) {
                    missing.add(name);
                }
            }
        });
        return missing;
    }

    private static boolean annotated(Constructor<?> c) {
        if (c.getParameterCount() == 0) {
            return false;
        }
        for (Parameter p : c.getParameters()) {
            if (p.getAnnotation(HyperParameter.class) == null) {
                return false;
            }
        }
        return true;
    }

    private static Object buildRecord(Class<?> recordType, Map<String, Object> values, Class<?> type, String source) {
        RecordComponent[] components = recordType.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            types[i] = components[i].getType();
            args[i] = HyperparameterValues.convert(require(values, name, type, source), types[i], name);
        }
        try {
            return newInstance(recordType.getDeclaredConstructor(types), args, recordType);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + recordType.getName() + " has no canonical constructor", e);
        }
    }

    private static Object require(Map<String, Object> values, String name, Class<?> type, String source) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException(source + " has no hyperparameter '" + name + "' for "
                    + type.getSimpleName() + "'s constructor; pass it as an override");
        }
        Object value = values.get(name);
        return value instanceof JsonElement json && json.isJsonNull() ? null : value;
    }

    private static Object newInstance(Constructor<?> c, Object[] args, Class<?> type) {
        try {
            c.setAccessible(true);
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("could not construct " + type.getName() + ": " + cause, cause);
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("could not construct " + type.getName() + ": " + e, e);
        }
    }
}
