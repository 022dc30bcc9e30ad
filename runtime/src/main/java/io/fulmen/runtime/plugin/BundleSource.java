package io.fulmen.runtime.plugin;

import io.fulmen.spi.ComponentProvider;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * Providers declared by the started plugin bundles of a folder (PF4J), bundle by bundle in folder order. The
 * providers are built here rather than by PF4J, which logs and skips one whose constructor throws.
 */
final class BundleSource implements ProviderSource {
    private final PluginBundles bundles;

    BundleSource(PluginBundles bundles) {
        this.bundles = bundles;
    }

    @Override
    public <P extends ComponentProvider<?>> void discover(Spi<P> spi, Sink<P> sink) {
        for (PluginWrapper plugin : bundles.plugins()) {
            if (plugin.getPluginState() == PluginState.STARTED) {
                discover(spi, plugin, sink);
            }
        }
    }

    private <P extends ComponentProvider<?>> void discover(Spi<P> spi, PluginWrapper plugin, Sink<P> sink) {
        String origin = "bundle " + plugin.getPluginId() + "@" + plugin.getDescriptor().getVersion() + " ("
                + plugin.getPluginPath() + ")";
        List<Class<? extends P>> classes;
        try {
            classes = bundles.extensionClasses(spi.type(), plugin.getPluginId());
        } catch (RuntimeException | LinkageError e) {
            sink.failed(origin, e);
            return;
        }
        for (Class<? extends P> c : classes) {
            try {
                sink.found(BundleLifecycles.newProvider(c), origin);
            } catch (InvocationTargetException e) {
                sink.failed(origin + " provider " + c.getName(), e.getCause() != null ? e.getCause() : e);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                sink.failed(origin + " provider " + c.getName(), e);
            }
        }
    }
}
