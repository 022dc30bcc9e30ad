package io.fulmen.runtime.plugin;

import org.pf4j.DefaultExtensionFinder;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Plugin bundles in a folder, loaded with PF4J: one isolated class loader per bundle (the bundle's classes and
 * private libraries first, the api, DJL and slf4j from the application). A bundle is a directory or zip holding
 * {@code plugin.properties} (plugin.id, plugin.version, plugin.requires, plugin.provider, plugin.license,
 * plugin.description) and {@code lib/*.jar}; its providers are declared in the jar's {@code META-INF/services},
 * the same file {@link java.util.ServiceLoader} reads, so one plugin jar works on the classpath and as a bundle.
 */
final class PluginBundles implements AutoCloseable {
    private final Path folder;
    private final PluginManager manager;

    private PluginBundles(Path folder, PluginManager manager) {
        this.folder = folder;
        this.manager = manager;
    }

    /** Loads and starts every bundle in {@code folder}; a bundle that fails is reported, the others still load. */
    static PluginBundles load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("plugins folder " + folder.toAbsolutePath() + " does not exist or is "
                    + "not a directory");
        }
        PluginManager manager = new DefaultPluginManager(folder) {
            @Override
            protected ExtensionFinder createExtensionFinder() {
                DefaultExtensionFinder finder = (DefaultExtensionFinder) super.createExtensionFinder();
                finder.addServiceProviderExtensionFinder();
                return finder;
            }
        };
        manager.loadPlugins();
        manager.startPlugins();
        return new PluginBundles(folder, manager);
    }

    Path folder() {
        return folder;
    }

    List<PluginWrapper> plugins() {
        return manager.getPlugins();
    }

    /** The providers of {@code type} that bundle {@code plugin} offers. */
    <T> List<T> extensions(Class<T> type, String pluginId) {
        return manager.getExtensions(type, pluginId);
    }

    @Override
    public void close() {
        manager.stopPlugins();
        manager.unloadPlugins();
    }
}
