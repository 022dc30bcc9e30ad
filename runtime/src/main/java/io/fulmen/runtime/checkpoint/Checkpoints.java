package io.fulmen.runtime.checkpoint;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.fulmen.HyperParameter;
import io.fulmen.LightningModule;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Modules from checkpoints and checkpoints for DJL: Lightning's {@code load_from_checkpoint}, and a weights export
 * DJL's own {@code Model.load} reads (for DJL Serving or a DJL Predictor).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Checkpoints {
    private Checkpoints() {}

    /** Rebuilds a module from its saved hyperparameters and weights. */
    public static <T extends LightningModule> T loadFromCheckpoint(Class<T> type, Path file) {
        return loadFromCheckpoint(type, file, Map.of());
    }

    /**
     * Rebuilds a module with the constructor whose parameters are all annotated {@link HyperParameter}, from the
     * hyperparameters saved in {@code file} with {@code overrides} on top; its parameters take the saved weights
     * when they are created (from the first batch's shapes, as always).
     */
    public static <T extends LightningModule> T loadFromCheckpoint(Class<T> type, Path file,
                                                                   Map<String, ?> overrides) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint ckpt = CheckpointReader.read(file, manager);
            JsonObject hp = ckpt.manifest().getAsJsonObject("hyper_parameters");
            Map<String, Object> values = new HashMap<>();
            if (hp != null) {
                for (Map.Entry<String, JsonElement> e : hp.entrySet()) {
                    values.put(e.getKey(), e.getValue());
                }
            }
            values.putAll(overrides);
            T module = construct(type, values, file);
            SavedWeights.assignOrDefer(module.block().getParameters(), ckpt, file.toString());
            return module;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static <T> T construct(Class<T> type, Map<String, Object> values, Path file) {
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            Parameter[] params = c.getParameters();
            Object[] args = new Object[params.length];
            boolean annotated = true;
            for (int i = 0; i < params.length && annotated; i++) {
                HyperParameter hp = params[i].getAnnotation(HyperParameter.class);
                if (hp == null) {
                    annotated = false;
                } else if (!values.containsKey(hp.value())) {
                    throw new IllegalArgumentException(file + " has no hyperparameter '" + hp.value() + "' for "
                            + type.getSimpleName() + "'s constructor; pass it as an override");
                } else {
                    args[i] = convert(values.get(hp.value()), params[i].getType(), hp.value());
                }
            }
            if (annotated) {
                try {
                    c.setAccessible(true);
                    return type.cast(c.newInstance(args));
                } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("could not construct " + type.getName() + ": " + e, e);
                }
            }
        }
        throw new IllegalArgumentException(type.getName() + " has no constructor whose parameters are all "
                + "annotated @HyperParameter; add one to use loadFromCheckpoint");
    }

    private static Object convert(Object value, Class<?> target, String name) {
        if (value instanceof JsonElement json) {
            if (target == int.class || target == Integer.class) {
                return json.getAsInt();
            } else if (target == long.class || target == Long.class) {
                return json.getAsLong();
            } else if (target == float.class || target == Float.class) {
                return json.getAsFloat();
            } else if (target == double.class || target == Double.class) {
                return json.getAsDouble();
            } else if (target == boolean.class || target == Boolean.class) {
                return json.getAsBoolean();
            } else if (target == String.class) {
                return json.getAsString();
            }
            throw new IllegalArgumentException("hyperparameter '" + name + "' has type " + target.getName()
                    + ", which loadFromCheckpoint cannot rebuild (numbers, booleans and strings only)");
        }
        return convertOverride(value, target, name);
    }

    /** An override as the constructor parameter's type: numbers convert between kinds (1e-3 for a float). */
    private static Object convertOverride(Object value, Class<?> target, String name) {
        Class<?> boxed = boxed(target);
        if (value == null) {
            if (target.isPrimitive()) {
                throw new IllegalArgumentException("hyperparameter override '" + name + "' is null but the "
                        + "constructor parameter is a " + target.getName());
            }
            return null;
        }
        if (boxed.isInstance(value)) {
            return value;
        }
        if (value instanceof Number n) {
            if (boxed == Float.class) {
                return n.floatValue();
            } else if (boxed == Double.class) {
                return n.doubleValue();
            } else if ((boxed == Integer.class || boxed == Long.class) && n.doubleValue() == Math.rint(n.doubleValue())) {
                if (boxed == Integer.class && n.longValue() == (int) n.longValue()) {
                    return (int) n.longValue();
                } else if (boxed == Long.class) {
                    return n.longValue();
                }
            }
        }
        throw new IllegalArgumentException("hyperparameter override '" + name + "' = " + value + " ("
                + value.getClass().getSimpleName() + ") does not fit the constructor parameter's type "
                + target.getName());
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return type == int.class ? Integer.class : type == long.class ? Long.class : type == float.class
                ? Float.class : type == double.class ? Double.class : type == boolean.class ? Boolean.class : type;
    }

    /**
     * Writes the module's parameters in DJL's own format ({@code <dir>/<name>-0000.params}), readable with
     * {@code Model.newInstance(name); model.setBlock(sameBlock); model.load(dir, name)}.
     */
    public static Path exportForDjl(LightningModule module, Path dir, String name) {
        if (!module.block().isInitialized()) {
            throw new IllegalStateException("the module's block is not initialised as a whole: DJL saves a block "
                    + "with its input shapes, so run block() itself once (fit, validate, test or predict) first");
        }
        try (Model model = Model.newInstance(name)) {
            model.setBlock(module.block());
            model.save(dir, name);
            return dir.resolve(String.format("%s-%04d.params", name, 0));
        } catch (IOException e) {
            throw new UncheckedIOException("could not export " + name + " to " + dir + ": " + e.getMessage(), e);
        }
    }
}
