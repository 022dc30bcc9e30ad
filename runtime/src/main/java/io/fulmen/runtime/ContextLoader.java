package io.fulmen.runtime;

/**
 * Sets the current thread's context class loader for the length of a call into a plugin bundle and puts the
 * previous one back. Libraries inside a bundle (JDBC's {@code DriverManager}, JAXB, {@code ServiceLoader.load(type)})
 * look their implementations up through it, and find those of the bundle only while it is the bundle's loader.
 */
final class ContextLoader {
    private ContextLoader() {}

    /** Makes {@code loader} the current thread's context class loader; returns the one to restore. */
    static ClassLoader enter(ClassLoader loader) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (previous != loader) {
            thread.setContextClassLoader(loader);
        }
        return previous;
    }

    /** Restores what {@link #enter} returned. */
    static void exit(ClassLoader previous) {
        Thread thread = Thread.currentThread();
        if (thread.getContextClassLoader() != previous) {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The class loader calls into {@code provider}'s components must run with: its own when the current context
     * class loader cannot see it (it came from a plugin bundle, or a loader below the application's), else null,
     * as a component of the application needs no switch.
     */
    static ClassLoader foreignLoader(Object provider) {
        ClassLoader own = provider.getClass().getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader l = context != null ? context : ContextLoader.class.getClassLoader(); l != null;
             l = l.getParent()) {
            if (l == own) {
                return null;
            }
        }
        return own;
    }
}
