package io.fulmen.runtime.plugin;

import java.util.List;

/**
 * One provider as the registry knows it: which SPI, its names, where it came from (a classpath location or a
 * bundle with id, version and path) and whether it is in use or was shadowed by an earlier provider of the name.
 */
public record PluginInfo(String spi, String name, List<String> aliases, String implementation, String origin,
                         String state) {
    public PluginInfo {
        aliases = List.copyOf(aliases);
    }
}
