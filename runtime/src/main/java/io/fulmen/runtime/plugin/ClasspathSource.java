package io.fulmen.runtime.plugin;

import io.fulmen.spi.ComponentProvider;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Providers registered in {@code META-INF/services} on the class path of one class loader ({@link ServiceLoader}). */
final class ClasspathSource implements ProviderSource {
    private final ClassLoader loader;

    ClasspathSource(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public <P extends ComponentProvider<?>> void discover(Spi<P> spi, Sink<P> sink) {
        Iterator<ServiceLoader.Provider<P>> it = ServiceLoader.load(spi.type(), loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<P> handle;
            try {
                if (!it.hasNext()) {
                    break;
                }
                handle = it.next();
            } catch (ServiceConfigurationError e) {
                sink.failed("classpath", e);
                continue;
            }
            try {
                sink.found(handle.get(), "classpath:" + describeOrigin(handle.type()));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                sink.failed(handle.type().getName(), e);
            }
        }
    }

    private static String describeOrigin(Class<?> type) {
        var src = type.getProtectionDomain().getCodeSource();
        return src == null || src.getLocation() == null ? type.getName()
                : type.getName() + " (" + src.getLocation() + ")";
    }
}
