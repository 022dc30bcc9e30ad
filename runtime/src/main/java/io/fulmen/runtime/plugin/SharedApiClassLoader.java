package io.fulmen.runtime.plugin;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A bundle's class loader: the bundle's own classes and libraries first (so bundles may carry library versions that
 * clash with the host's or another bundle's), except the types every party must share — Fulmen's api, DJL's api
 * and slf4j — which always come from the application when it has them, even when a bundle carries a copy; a DJL
 * class the application lacks (an engine adapter only a bundle brings) comes from the bundle.
 */
final class SharedApiClassLoader extends PluginClassLoader {
    /** Packages of Fulmen's api (named through one class each, so a moved package fails to compile here). */
    private static final java.util.Set<String> API_PACKAGES = java.util.Set.of(
            io.fulmen.LightningModule.class.getPackageName(),
            io.fulmen.callback.Callback.class.getPackageName(),
            io.fulmen.data.DataLoader.class.getPackageName(),
            io.fulmen.nn.Losses.class.getPackageName(),
            io.fulmen.optim.Optimizer.class.getPackageName(),
            io.fulmen.spi.ComponentProvider.class.getPackageName());
    private static final String[] SHARED_PREFIXES = {"ai.djl.", "org.slf4j."};

    /**
     * No plugin manager: PF4J's loader consults one only for {@code plugin.dependencies}, which
     * {@link BundleDescriptor} refuses, and Fulmen owns the bundles' install and lifecycle itself.
     */
    SharedApiClassLoader(PluginDescriptor descriptor, ClassLoader parent) {
        super((PluginManager) null, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        int dot = className.lastIndexOf('.');
        if (dot > 0 && API_PACKAGES.contains(className.substring(0, dot))) {
            return getParent().loadClass(className);
        }
        for (String prefix : SHARED_PREFIXES) {
            if (className.startsWith(prefix)) {
                try {
                    return getParent().loadClass(className);
                } catch (ClassNotFoundException notInTheApplication) {
                    // a DJL engine only the bundle carries (ai.djl.tensorflow in the TensorFlow engine's bundle)
                    return super.loadClass(className);
                }
            }
        }
        return super.loadClass(className);
    }
}
