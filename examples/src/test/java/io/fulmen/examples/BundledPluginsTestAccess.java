package io.fulmen.examples;

/** Shares the class loader that hides the plugin jars between the bundle tests. */
final class BundledPluginsTestAccess {
    private BundledPluginsTestAccess() {}

    static ClassLoader withoutPluginJars() {
        return BundledPluginsTest.withoutPluginJars();
    }
}
