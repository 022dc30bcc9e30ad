package io.fulmen.runtime;

import ai.djl.Device;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.PluginOptions;
import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyContext;
import io.fulmen.spi.StrategyProvider;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Turns the builder's accelerator, devices, strategy and precision arguments (names, {@code "auto"} or instances)
 * into set-up components (Lightning's {@code _AcceleratorConnector}). Unknown names fail with the names available;
 * a plugin missing a class fails naming the plugin.
 */
final class AcceleratorConnector {
    private AcceleratorConnector() {}

    /** What a Trainer runs on. */
    record Components(Accelerator accelerator, List<Device> devices, Strategy strategy, Precision precision) {}

    static Components connect(PluginRegistry plugins, TrainerBuilder b) {
        PluginOptions options = new PluginOptions(b.options);
        Accelerator accelerator = b.acceleratorInstance != null ? b.acceleratorInstance
                : accelerator(plugins, b.accelerator, options);
        List<Device> devices = accelerator.devices(b.devices);
        Strategy strategy = b.strategyInstance != null ? b.strategyInstance
                : strategy(plugins, b.strategy, devices.size(), b.numNodes, options);
        Precision precision = b.precisionInstance != null ? b.precisionInstance
                : precision(plugins, b.precision, accelerator, options);
        strategy.setup(new StrategyContext(accelerator, devices, b.numNodes));
        return new Components(accelerator, devices, strategy, precision);
    }

    private static Accelerator accelerator(PluginRegistry plugins, String requested, PluginOptions options) {
        String name = requested.trim().toLowerCase(Locale.ROOT);
        AcceleratorProvider provider;
        if (name.equals("auto")) {
            provider = plugins.providers(AcceleratorProvider.class).best(AcceleratorProvider::isAvailable).orElseThrow(() ->
                    new IllegalStateException("no accelerator is available: add fulmen-plugin-accelerator-cpu to "
                            + "the classpath or its bundle to the plugins folder (found: "
                            + plugins.providers(AcceleratorProvider.class).describe() + ")"));
        } else {
            provider = plugins.providers(AcceleratorProvider.class).resolve(name);
            if (!provider.isAvailable()) {
                throw new IllegalStateException("accelerator '" + name + "' is installed but not available on this "
                        + "machine; available now: " + plugins.providers(AcceleratorProvider.class).all().stream()
                        .filter(AcceleratorProvider::isAvailable).map(AcceleratorProvider::name).toList());
            }
        }
        AcceleratorProvider chosen = provider;
        return created("accelerator", chosen.name(), plugins.providers(AcceleratorProvider.class).origin(chosen),
                () -> chosen.create(options));
    }

    private static Strategy strategy(PluginRegistry plugins, String requested, int deviceCount, int numNodes,
                                     PluginOptions options) {
        String name = requested.trim().toLowerCase(Locale.ROOT);
        StrategyProvider p = name.equals("auto")
                ? plugins.providers(StrategyProvider.class).best(s -> s.supports(deviceCount, numNodes)).orElseThrow(
                        () -> new IllegalStateException("no strategy supports " + deviceCount + " device(s) on "
                                + numNodes + " node(s); installed: " + plugins.providers(StrategyProvider.class).describe()))
                : plugins.providers(StrategyProvider.class).resolve(name);
        return created("strategy", p.name(), plugins.providers(StrategyProvider.class).origin(p), () -> p.create(options));
    }

    private static Precision precision(PluginRegistry plugins, String requested, Accelerator accelerator,
                                       PluginOptions options) {
        PrecisionProvider p = plugins.providers(PrecisionProvider.class).resolve(requested);
        if (!p.supports(accelerator.name())) {
            throw new IllegalArgumentException("precision '" + requested + "' is not supported on the "
                    + accelerator.name() + " accelerator");
        }
        return created("precision", p.name(), plugins.providers(PrecisionProvider.class).origin(p), () -> p.create(options));
    }

    /** Runs a provider's factory; a class missing from its plugin becomes an error naming the plugin. */
    static <T> T created(String kind, String name, String origin, Supplier<T> factory) {
        try {
            return factory.get();
        } catch (LinkageError e) {
            throw new IllegalStateException(kind + " '" + name + "' from " + origin + " cannot be created: " + e
                    + " — the plugin lacks a class it needs (a dependency missing from its bundle's lib/?)", e);
        }
    }
}
