package io.fulmen.runtime.plugin;

import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.Availability;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.CheckpointIOProvider;
import io.fulmen.spi.ClusterEnvironmentProvider;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.EngineProvider;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.StrategyProvider;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Every SPI's providers, discovered with {@link ServiceLoader} from one class loader and, optionally, from the
 * plugin bundles of a folder (PF4J). Immutable after discovery; each Trainer gets its own (or shares one the
 * application built), so nothing is global. A name offered twice keeps its first provider — the classpath before
 * bundles, bundles in file-name order (docs/plugin-loading.md) — and the loser is reported with its origin.
 * {@link #close()} unloads the bundles.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class PluginRegistry implements AutoCloseable {
    /** The SPIs discovered, in listing order; adding an SPI is one line here. */
    public static final List<Spi<?>> SPIS = List.of(
            new Spi<>("accelerator", AcceleratorProvider.class),
            new Spi<>("strategy", StrategyProvider.class),
            new Spi<>("precision", PrecisionProvider.class),
            new Spi<>("logger", ExperimentLoggerProvider.class),
            new Spi<>("callback", CallbackProvider.class),
            new Spi<>("checkpoint_io", CheckpointIOProvider.class),
            new Spi<>("engine", EngineProvider.class),
            new Spi<>("cluster_environment", ClusterEnvironmentProvider.class));

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<Class<?>, Registry<?>> registries = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();
    private PluginBundles bundles;
    private BundleLifecycles lifecycles;

    private PluginRegistry() {
        for (Spi<?> spi : SPIS) {
            registries.put(spi.type(), new Registry<>(spi.kind()));
        }
    }

    /** Discovers providers visible to the current thread's context class loader. */
    public static PluginRegistry discover() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return discover(cl != null ? cl : PluginRegistry.class.getClassLoader());
    }

    /** Discovers providers on the class path of {@code loader}. */
    public static PluginRegistry discover(ClassLoader loader) {
        PluginRegistry r = new PluginRegistry();
        r.load(new ClasspathSource(loader));
        return r;
    }

    /**
     * Discovers providers on the class path of {@code loader}, then in the bundles of {@code pluginsFolder}
     * (skipped when null).
     */
    public static PluginRegistry discover(ClassLoader loader, Path pluginsFolder) {
        return discover(loader, pluginsFolder, BundlePolicy.DEFAULT);
    }

    /** As {@link #discover(ClassLoader, Path)}, with what the folder may hold decided by {@code policy}. */
    public static PluginRegistry discover(ClassLoader loader, Path pluginsFolder, BundlePolicy policy) {
        PluginRegistry r = discover(loader);
        if (pluginsFolder != null) {
            r.bundles = PluginBundles.load(pluginsFolder, policy);
            r.failures.addAll(r.bundles.failures());
            r.bundles.failures().forEach(LOG::warn);
            r.notices.addAll(r.bundles.notices());
            r.lifecycles = BundleLifecycles.start(r.bundles, r.failures);
            r.load(new BundleSource(r.bundles));
            List<String> outranking = AutoChoiceReport.bundlesOutrankingClasspath(r);
            r.notices.addAll(outranking);
            r.bundles.notices().forEach(LOG::warn);
            outranking.forEach(LOG::warn);
        }
        return r;
    }

    /** Registers what {@code source} holds for every SPI, then shares the failures with every registry. */
    private void load(ProviderSource source) {
        for (Spi<?> spi : SPIS) {
            load(source, spi);
        }
        registries.values().forEach(r -> r.failures(failures));
    }

    private <P extends ComponentProvider<?>> void load(ProviderSource source, Spi<P> spi) {
        Registry<P> into = providers(spi.type());
        source.discover(spi, new ProviderSource.Sink<>() {
            @Override
            public void found(P provider, String origin) {
                report(into.register(provider, origin), provider, into);
            }

            @Override
            public void failed(String what, Throwable cause) {
                String msg = cause instanceof BundleProblem ? cause.getMessage()
                        : spi.kind() + " provider " + what + " failed to load: " + cause;
                failures.add(msg);
                LOG.warn(msg);
            }
        });
    }

    /** A name offered twice: the same class seen twice (a jar on the classpath and its bundle) is routine. */
    private static <P extends ComponentProvider<?>> void report(String conflict, P loser, Registry<P> into) {
        if (conflict == null) {
            return;
        }
        P winner = into.find(loser.name()).orElse(null);
        if (winner != null && winner.getClass().getName().equals(loser.getClass().getName())) {
            LOG.info(conflict);
        } else {
            LOG.warn(conflict);
        }
    }

    /**
     * The providers of one SPI, e.g. {@code providers(AcceleratorProvider.class)}; fails for a type that is not
     * one of {@link #SPIS}.
     */
    @SuppressWarnings("unchecked")
    public <P extends ComponentProvider<?>> Registry<P> providers(Class<P> type) {
        Registry<?> registry = registries.get(type);
        if (registry == null) {
            throw new IllegalArgumentException(type.getName() + " is not an SPI this runtime discovers; SPIs: "
                    + SPIS.stream().map(s -> s.type().getSimpleName()).toList());
        }
        return (Registry<P>) registry;
    }

    /**
     * Every provider known, SPI by SPI, with its origin, options and availability before anything is resolved (an
     * accelerator's own check; others as seen with no accelerator chosen); shadowed providers appear in
     * {@link #conflicts()}.
     */
    public List<PluginInfo> describe() {
        return describe(ProviderContext.of(Path.of("").toAbsolutePath()));
    }

    /** {@link #describe()} with availability as seen in {@code context}. */
    public List<PluginInfo> describe(ProviderContext context) {
        List<PluginInfo> out = new ArrayList<>();
        for (Spi<?> spi : SPIS) {
            Registry<?> registry = registries.get(spi.type());
            for (ComponentProvider<?> p : registry.all()) {
                Availability a = Registry.availability(p, context);
                out.add(new PluginInfo(registry.kind(), p.name(), p.aliases(), p.getClass().getName(),
                        registry.originOf(p), a.isAvailable() ? "available" : "unavailable", p.description(), a,
                        p.options()));
            }
        }
        return out;
    }

    /** Every name offered twice, with both origins. */
    public List<String> conflicts() {
        List<String> out = new ArrayList<>();
        registries.values().forEach(r -> out.addAll(r.conflicts()));
        return out;
    }

    /**
     * A plain-text listing of {@link #describe()} for people: each provider with its state and origin, its
     * description, why it is unavailable, its options (key, type, default, description); then the conflicts and
     * the failures.
     */
    public String render() {
        return PluginListing.render(describe(), conflicts(), notices, failures);
    }

    /**
     * Providers and bundles that could not be loaded: one line each, with the bundle's path, what is wrong and the
     * fix for bundles.
     */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * What a run should say in its first lines (each is logged as a warning at discovery): a bundle whose provider
     * outranks the classpath's for {@code "auto"} or the default logger, a plugin id offered in several versions
     * (the highest loads), a leftover folder ignored.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
    public List<String> notices() {
        return List.copyOf(notices);
    }

    /**
     * Lists the plugins a Trainer would see: {@code java -cp ... io.fulmen.runtime.plugin.PluginRegistry [folder]}
     * (default folder: {@code ./plugins} when it exists).
     */
    public static void main(String[] args) {
        Path folder = args.length > 0 ? Path.of(args[0]) : Files.isDirectory(Path.of("plugins"))
                ? Path.of("plugins") : null;
        try (PluginRegistry registry = discover(PluginRegistry.class.getClassLoader(), folder)) {
            System.out.print(registry.render());
        }
    }

    /** Unloads the plugin bundles (their class loaders become collectable). */
    @Override
    public void close() {
        if (bundles != null) {
            lifecycles.stop();
            bundles.close();
            bundles = null;
        }
    }
}
