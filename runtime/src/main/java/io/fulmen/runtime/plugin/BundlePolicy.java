package io.fulmen.runtime.plugin;

import org.apiguardian.api.API;
import java.util.Set;

/**
 * What the runtime accepts from a plugins folder. Plugins are trusted code, so by default the folder and everything
 * code loads from (each zip and its pin, each folder bundle's files) must not be writable by group or others; what
 * is refused is reported as a failure and the classpath's plugins still load. {@code allowedIds}, when not empty,
 * names the only plugin ids that may load. A bundle zip with a {@code <name>.zip.sha256} file beside it is loaded
 * only if its SHA-256 matches (docs/plugin-loading.md).
 *
 * @param allowedIds            plugin ids allowed to load; empty allows every id
 * @param allowWritableFolder   accept a folder or bundle writable by group or others (an explicit opt-out)
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public record BundlePolicy(Set<String> allowedIds, boolean allowWritableFolder) {
    /** Every id, folders writable by the owner only. */
    public static final BundlePolicy DEFAULT = new BundlePolicy(Set.of(), false);

    public BundlePolicy {
        allowedIds = Set.copyOf(allowedIds);
    }

    boolean allows(String pluginId) {
        return allowedIds.isEmpty() || allowedIds.contains(pluginId);
    }
}
