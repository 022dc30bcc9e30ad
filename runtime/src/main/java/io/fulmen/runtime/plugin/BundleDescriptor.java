package io.fulmen.runtime.plugin;

import io.fulmen.spi.ApiVersion;
import org.pf4j.DefaultPluginDescriptor;
import org.pf4j.DefaultVersionManager;
import org.pf4j.PluginDescriptor;
import org.pf4j.VersionManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A bundle's {@code plugin.properties}, checked field by field so that a refusal names the field: an id usable in
 * a folder name, a semantic version, a {@code plugin.requires} range (PF4J's grammar) that includes this runtime's
 * api, and no {@code plugin.dependencies} (bundles do not depend on one another; each carries its libraries).
 *
 * @param id          plugin.id
 * @param version     plugin.version
 * @param requires    plugin.requires, {@code "*"} when absent
 * @param provider    plugin.provider, may be empty
 * @param license     plugin.license, may be empty
 * @param description plugin.description, may be empty
 */
record BundleDescriptor(String id, String version, String requires, String provider, String license,
                        String description) {
    static final String FILE = "plugin.properties";
    private static final VersionManager VERSIONS = new DefaultVersionManager();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Reads and checks {@code in}, the {@code plugin.properties} of {@code bundle}. */
    static BundleDescriptor read(InputStream in, Path bundle) throws BundleProblem, IOException {
        Properties p = new Properties();
        p.load(in);
        String id = p.getProperty("plugin.id", "").trim();
        if (!ID.matcher(id).matches()) {
            throw new BundleProblem(bundle, id.isEmpty() ? "plugin.properties has no plugin.id"
                    : "plugin.id '" + id + "' is not a plain name", "set plugin.id to letters, digits, '.', '_' or '-'");
        }
        String version = p.getProperty("plugin.version", "").trim();
        try {
            VERSIONS.compareVersions(version, "0.0.0");
        } catch (RuntimeException e) {
            throw new BundleProblem(bundle, "plugin.version '" + version + "' is not a semantic version ("
                    + e.getMessage() + ")", "set plugin.version like 1.2.0");
        }
        String requires = p.getProperty("plugin.requires", "").trim();
        requires = requires.isEmpty() ? "*" : requires;
        boolean compatible;
        try {
            compatible = VERSIONS.checkVersionConstraint(ApiVersion.CURRENT, requires);
        } catch (RuntimeException e) {
            throw new BundleProblem(bundle, "plugin.requires '" + requires + "' is not a version range ("
                    + e.getMessage() + ")", "write it like >=0.2.0 & <0.3.0");
        }
        if (!compatible) {
            throw new BundleProblem(bundle, id + "@" + version + " requires api " + requires
                    + " but this runtime implements api " + ApiVersion.CURRENT,
                    "install a build of the plugin whose plugin.requires includes " + ApiVersion.CURRENT);
        }
        if (!p.getProperty("plugin.dependencies", "").isBlank()) {
            throw new BundleProblem(bundle, "plugin.dependencies is set, but bundles cannot depend on other bundles",
                    "remove it and put the libraries the plugin needs into the bundle's lib/");
        }
        return new BundleDescriptor(id, version, requires, p.getProperty("plugin.provider", "").trim(),
                p.getProperty("plugin.license", "").trim(), p.getProperty("plugin.description", "").trim());
    }

    /** Orders versions semantically (1.10.0 after 1.9.0). */
    int compareVersion(BundleDescriptor other) {
        return VERSIONS.compareVersions(version, other.version);
    }

    /** {@code id@version}, for messages and origins. */
    String label() {
        return id + "@" + version;
    }

    /** The same facts in PF4J's shape, which its class loader wants. */
    PluginDescriptor toPf4j() {
        return new DefaultPluginDescriptor(id, description, null, version, requires, provider, license);
    }
}
