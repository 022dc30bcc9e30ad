package io.fulmen;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
            values.put(name, plain(namesAndValues[i + 1]));
        }
    }

    void putAll(Map<String, ?> more) {
        more.forEach((k, v) -> values.put(k, plain(v)));
    }

    /** Every component of {@code record} under its name, as {@link #plain}. */
    void putRecord(Record record) {
        Objects.requireNonNull(record, "hparams");
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Object value = read(record, c.getAccessor());
            values.put(c.getName(), plain(value));
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

    /**
     * {@code value} as what loggers and checkpoints (JSON) keep: numbers, booleans, strings, lists and maps of
     * them; an enum by its name, anything else (a Path, a URI) by its {@code toString()}.
     */
    static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof Character || value instanceof Enum<?>) {
            return value instanceof Enum<?> e ? e.name() : value.toString();
        }
        if (value instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>(c.size());
            c.forEach(v -> list.add(plain(v)));
            return list;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), plain(v)));
            return map;
        }
        if (value.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                list.add(plain(Array.get(value, i)));
            }
            return list;
        }
        return value.toString();
    }

    Map<String, Object> view() {
        return view;
    }
}
