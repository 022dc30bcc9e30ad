package io.fulmen.runtime.loop;

/** Lightning's {@code is_overridden}: whether a subclass replaced a hook of its base class. */
final class Overrides {
    private Overrides() {}

    /** True when {@code target}'s class declares {@code method} anywhere below {@code base}. */
    static boolean isOverridden(Object target, Class<?> base, String method, Class<?>... parameterTypes) {
        if (target == null) {
            return false;
        }
        try {
            return target.getClass().getMethod(method, parameterTypes).getDeclaringClass() != base;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
