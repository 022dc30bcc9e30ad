package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * Optional start and stop hooks of a plugin bundle, for state a bundle registers outside itself: a JDBC driver in
 * {@code java.sql.DriverManager}, a JVM-wide handler, a shutdown hook. Such a registration holds the bundle's
 * class loader; undone in {@link #stop()}, it lets the bundle unload.
 *
 * <p>Declared in {@code META-INF/services/io.fulmen.spi.PluginLifecycle} of a jar inside the bundle and looked up
 * with {@link java.util.ServiceLoader} in the bundle alone (a lifecycle on the application's classpath is never
 * started: there is no bundle to unload). The runtime calls {@link #start} once, when it loads the bundle and
 * before it creates any of the bundle's providers, and {@link #stop()} when the registry that loaded the bundle
 * closes, in the reverse order of the starts; both run with the bundle's class loader as the thread's context class
 * loader. A {@code start} that throws fails the bundle's load, which is reported like any other bundle failure.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface PluginLifecycle {
    /** Registers what the bundle needs outside itself; {@code context} says which bundle this is. */
    void start(PluginContext context);

    /** Undoes what {@link #start} registered; errors are logged and do not stop the other bundles' hooks. */
    void stop();
}
