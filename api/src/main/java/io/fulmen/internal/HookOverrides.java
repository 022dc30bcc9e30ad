package io.fulmen.internal;

import org.apiguardian.api.API;

/**
 * Lightning's {@code is_overridden}, and the one message for a hook a call needs but the module does not define.
 * For the runtime and the api's own defaults: nothing here is API.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class HookOverrides {
    private HookOverrides() {}

    /** True when {@code target}'s class declares {@code method} anywhere below {@code base}. */
    public static boolean isOverridden(Object target, Class<?> base, String method, Class<?>... parameterTypes) {
        if (target == null) {
            return false;
        }
        try {
            return target.getClass().getMethod(method, parameterTypes).getDeclaringClass() != base;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * The error for a hook that {@code target} does not override although {@code neededFor} needs it, e.g.
     * {@code "MyModel does not override testStep(Batch, int), which Trainer.test needs: override it"}.
     */
    public static IllegalStateException missing(Object target, String hookSignature, String neededFor) {
        return new IllegalStateException(target.getClass().getSimpleName() + " does not override " + hookSignature
                + ", which " + neededFor + " needs: override it");
    }
}
