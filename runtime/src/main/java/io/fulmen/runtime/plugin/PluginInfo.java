package io.fulmen.runtime.plugin;

import io.fulmen.spi.Availability;
import io.fulmen.spi.OptionSpec;
import org.apiguardian.api.API;

import java.util.List;

/**
 * One provider as the registry knows it: which SPI, its names, where it came from (a classpath location or a
 * bundle with id, version and path), whether it is available (with the reason when not) and the options it takes.
 * Shadowed providers are not listed here but in {@link PluginRegistry#conflicts()}.
 *
 * @param spi            the SPI's name ("logger")
 * @param name           what users write
 * @param aliases        other names it answers to
 * @param implementation the provider's class name
 * @param origin         {@code classpath:<class> (<location>)} or {@code bundle <id>@<version> (<path>)}
 * @param state          {@code "available"} or {@code "unavailable"}
 * @param description    one line about it; may be empty
 * @param availability   whether it can be used, and why not
 * @param options        the options it declares, keys without its name
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public record PluginInfo(String spi, String name, List<String> aliases, String implementation, String origin,
                         String state, String description, Availability availability, List<OptionSpec> options) {
    /** Copies the lists. */
    public PluginInfo {
        aliases = List.copyOf(aliases);
        options = List.copyOf(options);
    }
}
