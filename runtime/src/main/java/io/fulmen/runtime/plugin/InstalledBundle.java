package io.fulmen.runtime.plugin;

import java.nio.file.Path;

/**
 * A bundle ready to load: where the user put it ({@code source}, a zip or a folder in the plugins folder), what
 * its {@code plugin.properties} says, and the verified folder its classes load from (for a zip, the private
 * install folder; for a folder bundle, the folder itself).
 *
 * @param source     the zip or folder in the plugins folder
 * @param descriptor its checked plugin.properties
 * @param dir        the folder holding {@code classes/} and {@code lib/}
 */
record InstalledBundle(Path source, BundleDescriptor descriptor, Path dir) {
    /** {@code bundle id@version (source)}, the origin named in listings and reports. */
    String origin() {
        return "bundle " + descriptor.label() + " (" + source + ")";
    }
}
