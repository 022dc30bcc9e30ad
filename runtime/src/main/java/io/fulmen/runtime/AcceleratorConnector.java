package io.fulmen.runtime;

import ai.djl.Device;
import io.fulmen.logging.RunDirectory;
import io.fulmen.runtime.cluster.ClusterEnvironments;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.Availability;
import io.fulmen.spi.CheckpointIO;
import io.fulmen.spi.CheckpointIOProvider;
import io.fulmen.spi.ClusterEnvironmentProvider;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyContext;
import io.fulmen.spi.StrategyProvider;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the builder's accelerator, devices, strategy, precision and checkpoint I/O arguments (names, {@code "auto"} or instances)
 * into set-up components (Lightning's {@code _AcceleratorConnector}). Unknown names fail with the names available
 * and why the others are not; a plugin missing a class fails naming the plugin.
 *
 * <p>The Trainer calls this connector first, with the registry, so it also has {@link NamedComponents} pick the
 * loggers and callbacks asked for by name, and checks every {@code option(key, value)} against the providers in
 * use before anything beyond the accelerator is created.
 */
final class AcceleratorConnector {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AcceleratorConnector.class);
    /** Lightning's aliases that it accepts with a warning ({@code "32"} and {@code "64"} pass silently). */
    private static final Set<String> HISTORICAL_PRECISIONS = Set.of("16", "bf16");
    private AcceleratorConnector() {}

    /** What a Trainer runs on. */
    record Components(Accelerator accelerator, List<Device> devices, Strategy strategy, Precision precision,
                      NamedComponents named) {}

    /** Connects the builder's choices; what it creates is tracked in {@code rollback} should the build fail. */
    static Components connect(PluginRegistry plugins, TrainerBuilder b, BuildRollback rollback) {
        TrainerOptions options = new TrainerOptions(b.options);
        ProviderContext base = withRunDirectory(ProviderContext.of(b.settings.build().defaultRootDir())
                .withNumNodes(b.numNodes), b.loggerInstances);

        Accelerator accelerator = b.acceleratorInstance;
        if (accelerator == null) {
            Registry<AcceleratorProvider> registry = plugins.providers(AcceleratorProvider.class);
            accelerator = rollback.track(InBundle.accelerator(Planned.of(registry, accelerator(registry,
                    b.accelerator, base), base, options)), Accelerator::teardown);
        }
        List<Device> devices = accelerator.devices(b.devices);
        ProviderContext context = base.withAccelerator(accelerator.name(), devices.size());

        Planned<Strategy> strategy = b.strategyInstance != null ? null
                : strategy(plugins.providers(StrategyProvider.class), b.strategy, context, options);
        Planned<Precision> precision = b.precisionInstance != null ? null
                : precision(plugins.providers(PrecisionProvider.class), b.precision, context, options);
        Planned<CheckpointIO> checkpointIO = b.checkpointIOInstance != null ? null
                : Planned.of(plugins.providers(CheckpointIOProvider.class), ProviderPicker.named(
                        plugins.providers(CheckpointIOProvider.class), b.checkpointIO, context), context, options);
        NamedComponents named = NamedComponents.plan(plugins, b, context, options);
        options.checkNamespaces(plugins);

        Strategy s = strategy != null ? rollback.track(InBundle.strategy(strategy), Strategy::teardown)
                : b.strategyInstance;
        Precision p = precision != null ? InBundle.precision(precision) : b.precisionInstance;
        CheckpointIO io = checkpointIO != null ? rollback.track(InBundle.checkpointIO(checkpointIO),
                CheckpointIO::teardown) : b.checkpointIOInstance;
        s.setup(new StrategyContext(accelerator, devices, b.numNodes, p, io, ClusterEnvironments.detect(
                plugins.providers(ClusterEnvironmentProvider.class), System.getenv(), context)));
        rollback.handOver(io);
        if (strategy == null) {
            rollback.track(s, Strategy::teardown);
        }
        return new Components(accelerator, devices, s, p, named);
    }

    /**
     * One context per Trainer, so one run directory for the loggers it creates by name: a new one, or the run
     * directory of the first logger instance that writes into one, so that named loggers join hand-built ones.
     */
    private static ProviderContext withRunDirectory(ProviderContext context, List<ExperimentLogger> instances) {
        for (ExperimentLogger logger : instances) {
            Optional<RunDirectory> run = logger.runDirectory();
            if (run.isPresent()) {
                return context.withRunDirectory(run.get());
            }
        }
        return context;
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
                                              ProviderContext context, TrainerOptions options) {
        StrategyProvider provider = ProviderPicker.isAuto(requested)
                ? registry.bestAvailable(context).orElseThrow(() -> new IllegalStateException("no strategy "
                        + "supports " + context.devices().orElseThrow() + " device(s) on " + context.numNodes()
                        + " node(s); installed: " + registry.describe(context)))
                : ProviderPicker.named(registry, requested, context);
        return Planned.of(registry, provider, context, options);
    }

    private static Planned<Precision> precision(Registry<PrecisionProvider> registry, String requested,
                                                ProviderContext context, TrainerOptions options) {
        PrecisionProvider provider = registry.resolve(requested.trim(), context);
        Availability availability = Registry.availability(provider, context);
        if (!availability.isAvailable()) {
            throw new IllegalArgumentException("precision '" + requested + "' is not supported on the "
                    + context.accelerator().orElseThrow() + " accelerator: " + availability.reason());
        }
        if (HISTORICAL_PRECISIONS.contains(requested.trim().toLowerCase(java.util.Locale.ROOT))) {
            LOG.warn("precision={} is supported for historical reasons but its usage is discouraged. Please set "
                    + "your precision to {} instead!", requested.trim(), provider.name());
        }
        return Planned.of(registry, provider, context, options);
    }
}
