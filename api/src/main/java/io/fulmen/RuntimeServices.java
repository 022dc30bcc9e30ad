package io.fulmen;

import java.util.ServiceLoader;

/**
 * Finds what the runtime provides to the api through {@code ServiceLoader}: the class loader of the user's class
 * first (an application's), then the api's own.
 */
final class RuntimeServices {
    private RuntimeServices() {}

    /** The first {@code service} implementation visible, or an error saying {@code missing}. */
    static <S> S find(Class<S> service, Class<?> userClass, String missing) {
        ClassLoader cl = userClass.getClassLoader() != null ? userClass.getClassLoader()
                : LightningModule.class.getClassLoader();
        return ServiceLoader.load(service, cl).findFirst()
                .or(() -> ServiceLoader.load(service, LightningModule.class.getClassLoader()).findFirst())
                .orElseThrow(() -> new IllegalStateException(missing));
    }
}
