package io.fulmen.runtime.checkpoint;

import com.google.gson.JsonElement;

import java.nio.file.Path;
import java.util.Arrays;

/** Saved (JSON) hyperparameters and overrides as the types a constructor or record declares. */
final class HyperparameterValues {
    private HyperparameterValues() {}

    static Object convert(Object value, Class<?> target, String name) {
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
            } else if (target.isEnum()) {
                return enumConstant(target, json.getAsString(), name);
            } else if (target == Path.class) {
                return Path.of(json.getAsString());
            }
            throw new IllegalArgumentException("hyperparameter '" + name + "' has type " + target.getName()
                    + ", which loadFromCheckpoint cannot rebuild (numbers, booleans, strings, enums and paths only)");
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
        if (target.isEnum() && value instanceof String s) {
            return enumConstant(target, s, name);
        }
        if (target == Path.class && value instanceof String s) {
            return Path.of(s);
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

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String value, String name) {
        try {
            return Enum.valueOf((Class) type, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hyperparameter '" + name + "' = " + value + " is not one of "
                    + Arrays.toString(type.getEnumConstants()), e);
        }
    }
}
