package io.fulmen.runtime.plugin;

import io.fulmen.spi.ApiVersion;
import org.pf4j.DefaultExtensionFinder;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Plugin bundles in a folder, loaded with PF4J: one isolated class loader per bundle (the bundle's classes and
 * private libraries first, the api, DJL and slf4j from the application). A bundle is a directory or zip holding
 * {@code plugin.properties} (plugin.id, plugin.version, plugin.requires, plugin.provider, plugin.license,
 * plugin.description) and {@code lib/*.jar}; its providers are declared in the jar's {@code META-INF/services},
 * the same file {@link java.util.ServiceLoader} reads, so one plugin jar works on the classpath and as a bundle.
 * Each bundle loads on its own: one that fails is reported with its path and cause, and the others still load.
 */
final class PluginBundles implements AutoCloseable {
    private final Path folder;
    private final PluginManager manager;
    private final List<String> failures;

    private PluginBundles(Path folder, PluginManager manager, List<String> failures) {
        this.folder = folder;
        this.manager = manager;
        this.failures = failures;
    }

    static PluginBundles load(Path folder, BundlePolicy policy) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("plugins folder " + folder.toAbsolutePath() + " does not exist or is "
                    + "not a directory");
        }
        if (!policy.allowWritableFolder()) {
            refuseIfShared(folder, "plugins folder");
        }
        PluginManager manager = new DefaultPluginManager(folder) {
            @Override
            protected PluginLoader createPluginLoader() {
                PluginManager self = this;
                return new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new SharedApiClassLoader(self, descriptor, PluginBundles.class.getClassLoader());
                    }
                };
            }

            @Override
            protected ExtensionFinder createExtensionFinder() {
                DefaultExtensionFinder finder = (DefaultExtensionFinder) super.createExtensionFinder();
                finder.addServiceProviderExtensionFinder();
                return finder;
            }
        };
        manager.setSystemVersion(ApiVersion.CURRENT);
        List<String> failures = new ArrayList<>();
        for (Path bundle : candidates(folder)) {
            try {
                if (!policy.allowWritableFolder()) {
                    refuseIfShared(bundle, "plugin bundle");
                }
                verifyChecksum(bundle);
                String id = manager.loadPlugin(bundle);
                if (!policy.allows(id)) {
                    manager.unloadPlugin(id);
                    failures.add("bundle " + bundle + " (" + id + ") is not in the allow-list of plugin ids "
                            + policy.allowedIds());
                }
            } catch (RuntimeException | LinkageError e) {
                failures.add("bundle " + bundle + " could not be loaded: " + rootMessage(e));
            }
        }
        manager.startPlugins();
        for (PluginWrapper p : manager.getPlugins()) {
            if (p.getPluginState() != PluginState.STARTED) {
                String requires = p.getDescriptor().getRequires();
                // Checked first: PF4J 3.15 reports a version mismatch only as "Plugin validation failed".
                String why = !manager.getVersionManager().checkVersionConstraint(ApiVersion.CURRENT, requires)
                        ? "it requires api " + requires + " but this runtime implements api " + ApiVersion.CURRENT
                        : p.getFailedException() != null ? rootMessage(p.getFailedException())
                        : "its state is " + p.getPluginState();
                failures.add("bundle " + p.getPluginPath() + " (" + p.getPluginId() + "@"
                        + p.getDescriptor().getVersion() + ") did not start: " + why);
            }
        }
        return new PluginBundles(folder, manager, failures);
    }

    private static List<Path> candidates(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> Files.isDirectory(p) || p.getFileName().toString().toLowerCase(Locale.ROOT)
                            .endsWith(".zip"))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !(Files.isDirectory(p) && Files.exists(folder.resolve(p.getFileName() + ".zip"))))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list the plugins folder " + folder + ": " + e, e);
        }
    }

    /** Plugins are trusted code: a folder others can write to lets them run code in this process. */
    private static void refuseIfShared(Path path, String what) {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            if (perms.contains(PosixFilePermission.OTHERS_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
                throw new SecurityException(what + " " + path.toAbsolutePath() + " is writable by group or others ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "): anyone who can write "
                        + "there can run code in this process. Run chmod go-w on it, or accept it explicitly with "
                        + "allowWritablePluginsDir(true)");
            }
        } catch (IOException e) {
            throw new SecurityException("cannot read the permissions of " + what + " " + path + ": " + e, e);
        }
    }

    /** A zip bundle with {@code <name>.sha256} beside it must match that SHA-256. */
    private static void verifyChecksum(Path bundle) {
        Path sum = bundle.resolveSibling(bundle.getFileName() + ".sha256");
        if (Files.isDirectory(bundle) || !Files.isRegularFile(sum)) {
            return;
        }
        try {
            String expected = Files.readString(sum).trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(bundle), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected)) {
                throw new SecurityException("checksum mismatch: " + sum.getFileName() + " says " + expected
                        + " but the bundle's SHA-256 is " + actual);
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new SecurityException("cannot verify the checksum of " + bundle + ": " + e, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? e.toString() : e + " (cause: " + t + ")";
    }

    Path folder() {
        return folder;
    }

    List<PluginWrapper> plugins() {
        return manager.getPlugins();
    }

    /** Bundles that could not be loaded or started, with path and cause. */
    List<String> failures() {
        return failures;
    }

    /** The provider classes of {@code type} that bundle {@code plugin} declares; the caller instantiates them. */
    <T> List<Class<? extends T>> extensionClasses(Class<T> type, String pluginId) {
        return manager.getExtensionClasses(type, pluginId);
    }

    @Override
    public void close() {
        // One by one, newest first: PF4J 3.15's stopPlugins() fails with a ConcurrentModificationException when
        // two or more plugins are started (pf4j#656).
        List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
        Collections.reverse(started);
        for (PluginWrapper p : started) {
            manager.stopPlugin(p.getPluginId());
        }
        manager.unloadPlugins();
    }
}
