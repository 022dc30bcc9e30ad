package io.fulmen.runtime.tuner;

import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.internal.ModuleAccess;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lightning's {@code lightning_getattr} / {@code lightning_setattr} for a tuner's result: the value lives in a
 * non-final field of the module (Python's {@code lr} or {@code batch_size} spelt {@code lr} or {@code batchSize}),
 * else in its saved hyperparameters, else in the DataModule's field or hyperparameters. Setting it updates the field
 * and, where the name is saved, the hyperparameter too, so checkpoints and loggers record the tuned value.
 */
final class TunedAttribute {
    private final Object owner;
    private final Field field;
    private final String hparam;
    private final String name;

    private TunedAttribute(Object owner, Field field, String hparam, String name) {
        this.owner = owner;
        this.field = field;
        this.hparam = hparam;
        this.name = name;
    }

    /** Where {@code name} (Python spelling) lives on {@code module} or {@code dataModule}; null when nowhere. */
    static TunedAttribute find(LightningModule module, LightningDataModule dataModule, String name) {
        TunedAttribute a = on(module, LightningModule.class, name, module.hparams().keySet());
        if (a == null && dataModule != null) {
            a = on(dataModule, LightningDataModule.class, name, dataModule.hparams().keySet());
        }
        return a;
    }

    private static TunedAttribute on(Object owner, Class<?> base, String name, java.util.Set<String> hparams) {
        String camel = camelCase(name);
        Field f = field(owner.getClass(), base, camel);
        if (f == null && !camel.equals(name)) {
            f = field(owner.getClass(), base, name);
        }
        String hp = hparams.contains(name) ? name : hparams.contains(camel) ? camel : null;
        return f == null && hp == null ? null : new TunedAttribute(owner, f, hp, name);
    }

    private static Field field(Class<?> type, Class<?> base, String name) {
        for (Class<?> c = type; c != null && c != base && c != Object.class; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())
                        || !isNumber(f.getType())) {
                    return null;
                }
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
    }

    private static boolean isNumber(Class<?> t) {
        return t == float.class || t == double.class || t == int.class || t == long.class || t == Float.class
                || t == Double.class || t == Integer.class || t == Long.class;
    }

    static String camelCase(String name) {
        StringBuilder s = new StringBuilder();
        boolean up = false;
        for (char ch : name.toCharArray()) {
            if (ch == '_') {
                up = s.length() > 0;
            } else {
                s.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return s.toString();
    }

    /** The names tried, for errors: {@code 'lr' (a non-final number field lr, or hparams "lr")}. */
    static String describe(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add("a non-final number field '" + camelCase(n) + "' or a saved hyperparameter '" + n + "'");
        }
        return String.join(", or ", out);
    }

    String name() {
        return name;
    }

    /** The current value, or null when only a hyperparameter holds it and that is not a number. */
    Number get() {
        try {
            if (field != null) {
                return (Number) field.get(owner);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + owner.getClass().getSimpleName() + "." + field.getName()
                    + ": " + e.getMessage(), e);
        }
        Object v = owner instanceof LightningModule m ? m.hparams().get(hparam)
                : ((LightningDataModule) owner).hparams().get(hparam);
        return v instanceof Number n ? n : null;
    }

    /** Writes {@code value} into the field (converted to its type) and the hyperparameter, where they exist. */
    void set(double value) {
        if (field != null) {
            try {
                Class<?> t = field.getType();
                if (t == float.class || t == Float.class) {
                    field.set(owner, (float) value);
                } else if (t == double.class || t == Double.class) {
                    field.set(owner, value);
                } else if (t == int.class || t == Integer.class) {
                    field.set(owner, (int) Math.round(value));
                } else {
                    field.set(owner, Math.round(value));
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot set " + owner.getClass().getSimpleName() + "."
                        + field.getName() + ": " + e.getMessage(), e);
            }
        }
        if (hparam != null) {
            boolean integral = name.toLowerCase(Locale.ROOT).contains("size");
            ModuleAccess.hyperparameter(owner, hparam, integral ? (Object) Math.round(value) : (Object) value);
        }
    }
}
