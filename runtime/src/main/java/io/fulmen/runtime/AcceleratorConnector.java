package io.fulmen.runtime;

import ai.djl.Device;
import io.fulmen.runtime.TrainerOptions.InUse;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyContext;
import io.fulmen.spi.StrategyProvider;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the builder's accelerator, devices, strategy and precision arguments (names, {@code "auto"} or instances)
 * into set-up components (Lightning's {@code _AcceleratorConnector}). Unknown names fail with the names available
 * and why the others are not; a plugin missing a class fails naming the plugin.
 *
 * <p>The Trainer calls this connector first, with the registry, so it also picks the loggers (created later by
 * {@link Loggers}) and checks every {@code option(key, value)} against the providers in use before anything
 * beyond the accelerator is created.
 */
final class AcceleratorConnector {
    private AcceleratorConnector() {}

    /** What a Trainer runs on. */
    record Components(Accelerator accelerator, List<Device> devices, Strategy strategy, Precision precision) {}

    static Components connect(PluginRegistry plugins, TrainerBuilder b) {
        TrainerOptions options = new TrainerOptions(b.options);
        List<InUse> inUse = new ArrayList<>();
        ProviderContext base = ProviderContext.of(b.settings.build().defaultRootDir()).withNumNodes(b.numNodes);

        Accelerator accelerator = b.acceleratorInstance;
        if (accelerator == null) {
            Registry<AcceleratorProvider> registry = plugins.providers(AcceleratorProvider.class);
            AcceleratorProvider provider = accelerator(registry, b.accelerator, base);
            inUse.add(new InUse(registry.kind(), provider));
            accelerator = Planned.of(registry, provider, base.withOptions(options.of(registry.kind(), provider)))
                    .create();
        }
        List<Device> devices = accelerator.devices(b.devices);
        ProviderContext context = base.withAccelerator(accelerator.name(), devices.size());

        Planned<Strategy> strategy = b.strategyInstance != null ? null
                : strategy(plugins.providers(StrategyProvider.class), b.strategy, context, options, inUse);
        Planned<Precision> precision = b.precisionInstance != null ? null
                : precision(plugins.providers(PrecisionProvider.class), b.precision, context, options, inUse);
        List<Planned<ExperimentLogger>> loggers = loggers(plugins.providers(ExperimentLoggerProvider.class), b,
                context, options, inUse);
        options.checkNamespaces(inUse, plugins);

        b.plannedLoggers = loggers;
        Strategy s = strategy != null ? strategy.create() : b.strategyInstance;
        Precision p = precision != null ? precision.create() : b.precisionInstance;
        s.setup(new StrategyContext(accelerator, devices, b.numNodes));
        return new Components(accelerator, devices, s, p);
    }

    private static AcceleratorProvider accelerator(Registry<AcceleratorProvider> registry, String requested,
                                                   ProviderContext context) {
        if (ProviderPicker.isAuto(requested)) {
            return registry.bestAvailable(context).orElseThrow(() -> new IllegalStateException("no accelerator is "
                    + "available: add fulmen-plugin-accelerator-cpu to the classpath or its bundle to the plugins "
                    + "folder (found: " + registry.describe(context) + ")"));
        }
        return ProviderPicker.named(registry, requested, context);
    }

    private static Planned<Strategy> strategy(Registry<StrategyProvider> registry, String requested,
                                              ProviderContext context, TrainerOptions options, List<InUse> inUse) {
        StrategyProvider provider = ProviderPicker.isAuto(requested)
                ? registry.bestAvailable(context).orElseThrow(() -> new IllegalStateException("no strategy "
                        + "supports " + context.devices().orElseThrow() + " device(s) on " + context.numNodes()
                        + " node(s); installed: " + registry.describe(context)))
                : ProviderPicker.named(registry, requested, context);
        return plan(registry, provider, context, options, inUse);
    }

    private static Planned<Precision> precision(Registry<PrecisionProvider> registry, String requested,
                                                ProviderContext context, TrainerOptions options, List<InUse> inUse) {
        PrecisionProvider provider = registry.resolve(requested.trim(), context);
        var availability = Registry.availability(provider, context);
        if (!availability.isAvailable()) {
            throw new IllegalArgumentException("precision '" + requested + "' is not supported on the "
                    + context.accelerator().orElseThrow() + " accelerator: " + availability.reason());
        }
        return plan(registry, provider, context, options, inUse);
    }

    /** The loggers asked for by name, or the highest-priority available one when none is given. */
    private static List<Planned<ExperimentLogger>> loggers(Registry<ExperimentLoggerProvider> registry,
                                                           TrainerBuilder b, ProviderContext context,
                                                           TrainerOptions options, List<InUse> inUse) {
        List<Planned<ExperimentLogger>> out = new ArrayList<>();
        if (b.loggersOff) {
            return out;
        }
        if (b.loggerNames.isEmpty() && b.loggerInstances.isEmpty()) {
            registry.bestAvailable(context).ifPresent(p -> out.add(plan(registry, p, context, options, inUse)));
        }
        for (String name : b.loggerNames) {
            out.add(plan(registry, ProviderPicker.named(registry, name, context), context, options, inUse));
        }
        return out;
    }

    /** Records {@code provider} as in use and plans it with its own options. */
    static <T, P extends ComponentProvider<? extends T>> Planned<T> plan(Registry<P> registry, P provider,
                                                                         ProviderContext context,
                                                                         TrainerOptions options, List<InUse> inUse) {
        inUse.add(new InUse(registry.kind(), provider));
        return Planned.of(registry, provider, context.withOptions(options.of(registry.kind(), provider)));
    }
}
