package io.fulmen.runtime;

import ai.djl.Device;
import io.fulmen.runtime.checkpoint.AsyncCheckpointIO;
import io.fulmen.runtime.checkpoint.FulmenCheckpointIO;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.CheckpointIO;
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
        strategy.setup(new StrategyContext(accelerator, devices, b.numNodes, precision, checkpointIO(b)));
        return new Components(accelerator, devices, strategy, precision);
    }

    private static CheckpointIO checkpointIO(TrainerBuilder b) {
        if (b.checkpointIOInstance != null) {
            return b.checkpointIOInstance;
        }
        return switch (b.checkpointIO.trim().toLowerCase(Locale.ROOT)) {
            case "default", "fulmen" -> new FulmenCheckpointIO();
            case "async" -> new AsyncCheckpointIO();
            default -> throw new IllegalArgumentException("Unknown checkpoint_io '" + b.checkpointIO
                    + "'. Available: default (Fulmen's format, written in the training thread), async (the same "
                    + "format written in the background)");
        };
    }

    private static Accelerator accelerator(PluginRegistry plugins, String requested, PluginOptions options) {
        String name = requested.trim().toLowerCase(Locale.ROOT);
        AcceleratorProvider provider;
        if (name.equals("auto")) {
            provider = plugins.accelerators().best(AcceleratorProvider::isAvailable).orElseThrow(() ->
                    new IllegalStateException("no accelerator is available: add fulmen-plugin-accelerator-cpu to "
                            + "the classpath or its bundle to the plugins folder (found: "
                            + plugins.accelerators().describe() + ")"));
        } else {
            provider = plugins.accelerators().resolve(name);
            if (!provider.isAvailable()) {
                throw new IllegalStateException("accelerator '" + name + "' is installed but not available on this "
                        + "machine; available now: " + plugins.accelerators().all().stream()
                        .filter(AcceleratorProvider::isAvailable).map(AcceleratorProvider::name).toList());
            }
        }
        AcceleratorProvider chosen = provider;
        return created("accelerator", chosen.name(), plugins.accelerators().origin(chosen),
                () -> chosen.create(options));
    }

    private static Strategy strategy(PluginRegistry plugins, String requested, int deviceCount, int numNodes,
                                     PluginOptions options) {
        String name = requested.trim().toLowerCase(Locale.ROOT);
        StrategyProvider p = name.equals("auto")
                ? plugins.strategies().best(s -> s.supports(deviceCount, numNodes)).orElseThrow(
                        () -> new IllegalStateException("no strategy supports " + deviceCount + " device(s) on "
                                + numNodes + " node(s); installed: " + plugins.strategies().describe()))
                : plugins.strategies().resolve(name);
        return created("strategy", p.name(), plugins.strategies().origin(p), () -> p.create(options));
    }

    private static Precision precision(PluginRegistry plugins, String requested, Accelerator accelerator,
                                       PluginOptions options) {
        PrecisionProvider p = plugins.precisions().resolve(requested);
        if (!p.supports(accelerator.name())) {
            throw new IllegalArgumentException("precision '" + requested + "' is not supported on the "
                    + accelerator.name() + " accelerator");
        }
        return created("precision", p.name(), plugins.precisions().origin(p), () -> p.create(options));
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
