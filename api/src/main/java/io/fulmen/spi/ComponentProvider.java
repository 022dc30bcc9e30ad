package io.fulmen.spi;

import org.apiguardian.api.API;
import java.util.List;

/**
 * The one shape of every Fulmen provider: a named factory for one SPI implementation ({@code T}), discovered with
 * {@code ServiceLoader} from the classpath or from a plugin bundle through its SPI's interface
 * ({@link AcceleratorProvider}, {@link StrategyProvider}, {@link PrecisionProvider},
 * {@link ExperimentLoggerProvider}, {@link CallbackProvider}, {@link EngineProvider}).
 *
 * <p>Names are what users write in the Trainer builder ({@code logger("tensorboard")}); they are matched
 * case-insensitively and must be unique per SPI. A provider's options are set as {@code <name>.<key>}
 * ({@code option("tensorboard.flush_secs", "30")}); it declares them in {@link #options()}, the Trainer checks the
 * values against the declared types before {@link #create} and hands the provider only its own keys, through
 * {@link ProviderContext#options()}. A key no provider in use declares fails the build.
 *
 * @param <T> what the provider creates
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface ComponentProvider<T> {
    /**
     * The name users write; unique per SPI, matched case-insensitively. It prefixes this provider's option keys,
     * so it should not contain {@code '.'}.
     */
    String name();

    /** Other names this provider answers to, e.g. {@code "32"} for {@code "32-true"}; options use {@link #name()}. */
    default List<String> aliases() {
        return List.of();
    }

    /** One line for listings and error messages. */
    default String description() {
        return "";
    }

    /**
     * Higher wins when the user asks for {@code "auto"} (and, for loggers, which one is the default); a negative
     * priority keeps a provider to explicit requests by name.
     */
    default int priority() {
        return 0;
    }

    /**
     * Whether this provider can be used in {@code context} (hardware present, the device and node counts
     * supported, the accelerator suitable), and when not, why. {@code "auto"} skips unavailable providers; asking
     * for one by name fails with the reason. Called with {@link ProviderContext#options()} empty; must be cheap and
     * must not throw.
     */
    default Availability availability(ProviderContext context) {
        return Availability.available();
    }

    /** The options this provider reads, as {@code <key>} without its name; listed by {@code --list-plugins}. */
    default List<OptionSpec> options() {
        return List.of();
    }

    /**
     * Creates the component with {@code context}, whose {@link ProviderContext#options()} hold this provider's
     * options (already checked against {@link #options()}). Fails with {@link IllegalArgumentException} naming the
     * option when a value is valid for its type but not for the component.
     */
    T create(ProviderContext context);
}
