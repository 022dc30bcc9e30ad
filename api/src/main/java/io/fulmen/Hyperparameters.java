package io.fulmen;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A module's saved hyperparameters, in the order they were saved. */
final class Hyperparameters {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, Object> view = Collections.unmodifiableMap(values);

    void putPairs(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("saveHyperparameters takes name/value pairs, got an odd count "
                    + namesAndValues.length);
        }
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String name)) {
                throw new IllegalArgumentException("hyperparameter name at position " + i + " must be a String");
            }
            values.put(name, namesAndValues[i + 1]);
        }
    }

    void putAll(Map<String, ?> more) {
        values.putAll(more);
    }

    /** Every component of {@code record} under its name; enum values as their names. */
    void putRecord(Record record) {
        Objects.requireNonNull(record, "hparams");
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Object value = read(record, c.getAccessor());
            values.put(c.getName(), value instanceof Enum<?> e ? e.name() : value);
        }
    }

    private static Object read(Record record, Method accessor) {
        try {
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + record.getClass().getSimpleName() + "."
                    + accessor.getName() + "(): " + e, e);
        }
    }

    Map<String, Object> view() {
        return view;
    }
}
