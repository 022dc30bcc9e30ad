package io.fulmen.runtime.plugin;

import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.Provider;
import io.fulmen.spi.StrategyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Every SPI's providers, discovered with {@link ServiceLoader} from one class loader and, optionally, from the
 * plugin bundles of a folder (PF4J). Immutable after discovery; each Trainer gets its own (or shares one the
 * application built), so nothing is global. A name offered twice keeps its first provider — the classpath before
 * bundles, bundles in folder order — and the loser is reported with its origin. {@link #close()} unloads the
 * bundles.
 */
public final class PluginRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Registry<AcceleratorProvider> accelerators = new Registry<>("accelerator");
    private final Registry<StrategyProvider> strategies = new Registry<>("strategy");
    private final Registry<PrecisionProvider> precisions = new Registry<>("precision");
    private final Registry<ExperimentLoggerProvider> loggers = new Registry<>("logger");
    private final List<String> failures = new ArrayList<>();
    private PluginBundles bundles;

    private PluginRegistry() {}

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
            r.loadBundles(pluginsFolder, policy);
        }
        return r;
    }

    private void loadBundles(Path folder, BundlePolicy policy) {
        bundles = PluginBundles.load(folder, policy);
        failures.addAll(bundles.failures());
        for (PluginWrapper plugin : bundles.plugins()) {
            String origin = "bundle " + plugin.getPluginId() + "@" + plugin.getDescriptor().getVersion() + " ("
                    + plugin.getPluginPath() + ")";
            if (plugin.getPluginState() != PluginState.STARTED) {
                continue;
            }
            registerFrom(AcceleratorProvider.class, accelerators, plugin, origin);
            registerFrom(StrategyProvider.class, strategies, plugin, origin);
            registerFrom(PrecisionProvider.class, precisions, plugin, origin);
            registerFrom(ExperimentLoggerProvider.class, loggers, plugin, origin);
        }
        for (String f : bundles.failures()) {
            LOG.warn(f);
        }
        shareFailures();
    }

    /** Plugins that could not be loaded, with the cause (bundles and classpath providers alike). */
    private void shareFailures() {
        for (Registry<?> r : List.of(accelerators, strategies, precisions, loggers)) {
            r.failures(failures);
        }
    }

    private <P extends Provider> void registerFrom(Class<P> type, Registry<P> into, PluginWrapper plugin,
                                                   String origin) {
        List<Class<? extends P>> classes;
        try {
            classes = bundles.extensionClasses(type, plugin.getPluginId());
        } catch (RuntimeException | LinkageError e) {
            record(into.kind(), origin, e);
            return;
        }
        for (Class<? extends P> c : classes) {
            // Built here rather than by PF4J, which logs and skips a provider whose constructor throws.
            try {
                P provider = c.getDeclaredConstructor().newInstance();
                report(into.register(provider, origin), provider, into);
            } catch (ReflectiveOperationException e) {
                Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
                        ? ite.getCause() : e;
                record(into.kind(), origin + " provider " + c.getName(), cause);
            } catch (RuntimeException | LinkageError e) {
                record(into.kind(), origin + " provider " + c.getName(), e);
            }
        }
    }

    /** Every provider known, SPI by SPI, with its origin; shadowed providers appear in {@link #conflicts()}. */
    public List<PluginInfo> describe() {
        List<PluginInfo> out = new ArrayList<>();
        describe(accelerators, out);
        describe(strategies, out);
        describe(precisions, out);
        describe(loggers, out);
        return out;
    }

    private static <P extends Provider> void describe(Registry<P> registry, List<PluginInfo> out) {
        for (P p : registry.all()) {
            out.add(new PluginInfo(registry.kind(), p.name(), p.aliases(), p.getClass().getName(), registry.origin(p),
                    "active"));
        }
    }

    /** Every name offered twice, with both origins. */
    public List<String> conflicts() {
        List<String> out = new ArrayList<>();
        for (Registry<?> r : List.of(accelerators, strategies, precisions, loggers)) {
            out.addAll(r.conflicts());
        }
        return out;
    }

    /** A plain-text table of {@link #describe()}, the conflicts and the failures, for people. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %-16s %-7s %s%n", "SPI", "NAME", "STATE", "ORIGIN"));
        for (PluginInfo i : describe()) {
            String names = i.aliases().isEmpty() ? i.name() : i.name() + " (" + String.join(", ", i.aliases()) + ")";
            sb.append(String.format("%-12s %-16s %-7s %s%n", i.spi(), names, i.state(), i.origin()));
        }
        for (String c : conflicts()) {
            sb.append("shadowed: ").append(c).append(System.lineSeparator());
        }
        for (String f : failures) {
            sb.append("failed:   ").append(f).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /**
     * Lists the plugins a Trainer would see: {@code java -cp ... io.fulmen.runtime.plugin.PluginRegistry [folder]}
     * (default folder: {@code ./plugins} when it exists).
     */
    public static void main(String[] args) {
        Path folder = args.length > 0 ? Path.of(args[0]) : java.nio.file.Files.isDirectory(Path.of("plugins"))
                ? Path.of("plugins") : null;
        try (PluginRegistry registry = discover(PluginRegistry.class.getClassLoader(), folder)) {
            System.out.print(registry.render());
        }
    }

    /** Unloads the plugin bundles (their class loaders become collectable). */
    @Override
    public void close() {
        if (bundles != null) {
            bundles.close();
            bundles = null;
        }
    }

    /** Discovers providers on the class path of {@code loader}. */
    public static PluginRegistry discover(ClassLoader loader) {
        PluginRegistry r = new PluginRegistry();
        r.load(AcceleratorProvider.class, loader, r.accelerators);
        r.load(StrategyProvider.class, loader, r.strategies);
        r.load(PrecisionProvider.class, loader, r.precisions);
        r.load(ExperimentLoggerProvider.class, loader, r.loggers);
        r.shareFailures();
        return r;
    }

    /** Discovers providers visible to the current thread's context class loader. */
    public static PluginRegistry discover() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return discover(cl != null ? cl : PluginRegistry.class.getClassLoader());
    }

    private <P extends Provider> void load(Class<P> type, ClassLoader loader, Registry<P> into) {
        var it = ServiceLoader.load(type, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<P> handle;
            try {
                if (!it.hasNext()) {
                    break;
                }
                handle = it.next();
            } catch (ServiceConfigurationError e) {
                record(into.kind(), "classpath", e);
                continue;
            }
            try {
                P provider = handle.get();
                String origin = "classpath:" + describeOrigin(handle.type());
                report(into.register(provider, origin), provider, into);
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                record(into.kind(), handle.type().getName(), e);
            }
        }
    }

    /** A name offered twice: the same class seen twice (a jar on the classpath and its bundle) is routine. */
    private static <P extends Provider> void report(String conflict, P loser, Registry<P> into) {
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

    private void record(String kind, String origin, Throwable e) {
        String msg = kind + " provider " + origin + " failed to load: " + e;
        failures.add(msg);
        LOG.warn(msg);
    }

    private static String describeOrigin(Class<?> type) {
        var src = type.getProtectionDomain().getCodeSource();
        return src == null || src.getLocation() == null ? type.getName()
                : type.getName() + " (" + src.getLocation() + ")";
    }

    public Registry<AcceleratorProvider> accelerators() {
        return accelerators;
    }

    public Registry<StrategyProvider> strategies() {
        return strategies;
    }

    public Registry<PrecisionProvider> precisions() {
        return precisions;
    }

    public Registry<ExperimentLoggerProvider> loggers() {
        return loggers;
    }

    /** Providers that could not be loaded, with the cause. */
    public List<String> failures() {
        return List.copyOf(failures);
    }
}
