package io.fulmen.spi;

import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.Objects;

/** Which plugin bundle a {@link PluginLifecycle} belongs to: its id, its version and where it was loaded from. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class PluginContext {
    private final String pluginId;
    private final String version;
    private final Path path;

    private PluginContext(String pluginId, String version, Path path) {
        this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
        this.version = Objects.requireNonNull(version, "version");
        this.path = Objects.requireNonNull(path, "path");
    }

    /** The context of bundle {@code pluginId} at {@code version}, loaded from {@code path}. */
    public static PluginContext of(String pluginId, String version, Path path) {
        return new PluginContext(pluginId, version, path);
    }

    /** The bundle's {@code plugin.id}. */
    public String pluginId() {
        return pluginId;
    }

    /** The bundle's {@code plugin.version}. */
    public String version() {
        return version;
    }

    /** The bundle's folder or zip. */
    public Path path() {
        return path;
    }

    @Override
    public String toString() {
        return pluginId + "@" + version + " (" + path + ")";
    }
}
