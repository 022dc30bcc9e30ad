package io.fulmen.runtime.plugin;

import io.fulmen.spi.PluginContext;
import io.fulmen.spi.PluginLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Code of a bundle the registry runs while it brings the bundle up and down, always with the bundle's class loader
 * as the thread's context class loader: its {@link PluginLifecycle} hooks ({@code start} before its providers are
 * built, {@code stop} when the registry closes, newest first) and its providers' constructors.
 */
final class BundleLifecycles {
    private static final Logger LOG = LoggerFactory.getLogger(BundleLifecycles.class);

    private final Deque<Started> started;

    private record Started(PluginLifecycle lifecycle, String plugin, ClassLoader loader) {}

    private BundleLifecycles(Deque<Started> started) {
        this.started = started;
    }

    /**
     * Starts the lifecycles of every started bundle, bundle by bundle. A bundle whose {@code start} throws is
     * stopped (its providers are not offered), the lifecycles it started already are stopped again, and the
     * failure is added to {@code failures}.
     */
    static BundleLifecycles start(PluginBundles bundles, List<String> failures) {
        Deque<Started> all = new ArrayDeque<>();
        for (LoadedBundle bundle : List.copyOf(bundles.loaded())) {
            InstalledBundle installed = bundle.installed();
            ClassLoader loader = bundle.loader();
            String name = installed.descriptor().label();
            PluginContext context = PluginContext.of(installed.descriptor().id(), installed.descriptor().version(),
                    installed.source());
            List<Started> ofBundle = new ArrayList<>();
            try {
                for (PluginLifecycle lifecycle : lifecycles(loader)) {
                    run(loader, () -> lifecycle.start(context));
                    ofBundle.add(new Started(lifecycle, name, loader));
                }
                ofBundle.forEach(all::push);
            } catch (RuntimeException | ServiceConfigurationError | LinkageError e) {
                String msg = new BundleProblem(installed.source(), "its PluginLifecycle failed to start (" + e
                        + ")", "fix its start() or remove the bundle; its providers are not offered").getMessage();
                failures.add(msg);
                LOG.warn(msg);
                LOG.debug("the failed start of {}", name, e);
                for (int i = ofBundle.size() - 1; i >= 0; i--) {
                    stop(ofBundle.get(i));
                }
                bundles.drop(bundle);
            }
        }
        return new BundleLifecycles(all);
    }

    /** The lifecycles the bundle itself declares (those its loader sees from the application are not its own). */
    private static List<PluginLifecycle> lifecycles(ClassLoader loader) {
        List<PluginLifecycle> out = new ArrayList<>();
        ServiceLoader.load(PluginLifecycle.class, loader).stream()
                .filter(p -> p.type().getClassLoader() == loader)
                .forEach(p -> out.add(call(loader, p::get)));
        return out;
    }

    /** Builds a bundle's provider with the bundle's class loader as the context class loader. */
    static <P> P newProvider(Class<? extends P> type) throws ReflectiveOperationException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(type.getClassLoader());
        try {
            return type.getDeclaredConstructor().newInstance();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Stops every lifecycle started, newest first; one that fails is logged and the others still stop. */
    void stop() {
        while (!started.isEmpty()) {
            stop(started.pop());
        }
    }

    private static void stop(Started s) {
        try {
            run(s.loader(), s.lifecycle()::stop);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("the PluginLifecycle of bundle {} failed to stop: {}", s.plugin(), e.toString(), e);
        }
    }

    private static void run(ClassLoader loader, Runnable body) {
        call(loader, () -> {
            body.run();
            return null;
        });
    }

    private static <T> T call(ClassLoader loader, Supplier<T> body) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return body.get();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
