package io.fulmen.runtime.plugin;

import io.fulmen.spi.ComponentProvider;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;

/**
 * Providers declared by the loaded bundles of a folder, bundle by bundle in file-name order, each bundle's in the
 * order of its services files. A class a services file names that the bundle lacks, or that is not a provider of
 * the SPI, is one failure line naming the bundle, the file and the fix.
 */
final class BundleSource implements ProviderSource {
    private final PluginBundles bundles;

    BundleSource(PluginBundles bundles) {
        this.bundles = bundles;
    }

    @Override
    public <P extends ComponentProvider<?>> void discover(Spi<P> spi, Sink<P> sink) {
        for (LoadedBundle bundle : bundles.loaded()) {
            discover(spi, bundle, sink);
        }
    }

    private <P extends ComponentProvider<?>> void discover(Spi<P> spi, LoadedBundle bundle, Sink<P> sink) {
        InstalledBundle b = bundle.installed();
        String origin = b.origin();
        java.util.List<ServiceFiles.Entry> entries;
        try {
            entries = ServiceFiles.entries(bundle.loader(), spi.type());
        } catch (IOException e) {
            sink.failed(origin, new BundleProblem(b.source(), "its services files cannot be read (" + e + ")",
                    "rebuild the bundle"));
            return;
        }
        for (ServiceFiles.Entry entry : entries) {
            Class<? extends P> c;
            try {
                c = Class.forName(entry.className(), false, bundle.loader()).asSubclass(spi.type());
            } catch (ClassNotFoundException e) {
                sink.failed(origin, new BundleProblem(b.source(), entry.file() + " names " + entry.className()
                        + ", which is not in the bundle", "correct the class name in that file, or add the jar "
                        + "holding the class to lib/"));
                continue;
            } catch (ClassCastException e) {
                sink.failed(origin, new BundleProblem(b.source(), entry.file() + " names " + entry.className()
                        + ", which does not implement " + spi.type().getName(), "list it in the services file "
                        + "of the interface it implements"));
                continue;
            } catch (LinkageError e) {
                sink.failed(origin, new BundleProblem(b.source(), entry.className() + " cannot be loaded (" + e
                        + ")", "add the jar holding the missing class to lib/"));
                continue;
            }
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
