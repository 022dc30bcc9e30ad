package io.fulmen.testkit;

import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.plugin.Registry;
import io.fulmen.runtime.plugin.Spi;
import io.fulmen.spi.ComponentProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * A plugin bundle zip as the test kit checks it: {@code plugin.properties} with a {@code plugin.id} at the root, and
 * the Fulmen providers registered in the {@code META-INF/services} files of its {@code lib/*.jar} (or
 * {@code classes/}), which is all the runtime's bundle discovery reads.
 */
final class BundleUnderTest {
    private static final String SERVICES_FOLDER = "META-INF/services/";
    private final Path zip;
    private final String pluginId;
    private final Set<String> providerClasses;

    private BundleUnderTest(Path zip, String pluginId, Set<String> providerClasses) {
        this.zip = zip;
        this.pluginId = pluginId;
        this.providerClasses = Collections.unmodifiableSet(providerClasses);
    }

    /** Reads {@code zip}; fails, saying what is missing, when it is not a bundle registering any provider. */
    static BundleUnderTest read(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalArgumentException("no plugin bundle at " + zip.toAbsolutePath() + ": build it first (the "
                    + "bundle is made in the package phase, so run bundle tests in integration-test)");
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry descriptor = z.getEntry("plugin.properties");
            if (descriptor == null) {
                throw new AssertionError(zip + " is not a plugin bundle: no plugin.properties at its root");
            }
            Properties properties = new Properties();
            try (InputStream in = z.getInputStream(descriptor)) {
                properties.load(in);
            }
            String id = properties.getProperty("plugin.id", "").strip();
            if (id.isEmpty()) {
                throw new AssertionError(zip + "'s plugin.properties has no plugin.id");
            }
            Set<String> providers = new TreeSet<>();
            for (ZipEntry e : Collections.list(z.entries())) {
                if (e.getName().startsWith("lib/") && e.getName().endsWith(".jar")) {
                    try (ZipInputStream jar = new ZipInputStream(z.getInputStream(e))) {
                        for (ZipEntry inner = jar.getNextEntry(); inner != null; inner = jar.getNextEntry()) {
                            addProviders(inner.getName(), jar, providers);
                        }
                    }
                } else if (e.getName().startsWith("classes/")) {
                    try (InputStream in = z.getInputStream(e)) {
                        addProviders(e.getName().substring("classes/".length()), in, providers);
                    }
                }
            }
            if (providers.isEmpty()) {
                throw new AssertionError(zip + " registers no Fulmen provider: none of its lib/*.jar holds a "
                        + "META-INF/services/io.fulmen.spi.<Kind>Provider file");
            }
            return new BundleUnderTest(zip, id, providers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundle " + zip, e);
        }
    }

    private static void addProviders(String entry, InputStream in, Set<String> into) throws IOException {
        for (Spi<?> spi : PluginRegistry.SPIS) {
            if (entry.equals(SERVICES_FOLDER + spi.type().getName())) {
                into.addAll(ServiceFiles.providerClasses(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
    }

    String pluginId() {
        return pluginId;
    }

    /** The provider classes the bundle registers, sorted. */
    Set<String> providerClasses() {
        return providerClasses;
    }

    /** Copies the zip into a new plugins folder {@code folder}, both writable by their owner only. */
    Path installInto(Path folder) {
        try {
            if (Files.exists(folder)) {
                throw new IllegalStateException(folder + " exists: give each bundle test its own root folder");
            }
            Files.createDirectories(folder);
            Path copy = Files.copy(zip, folder.resolve(zip.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            ownerOnly(folder, "rwx------");
            ownerOnly(copy, "rw-------");
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + zip + " into " + folder, e);
        }
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view != null) {
            view.setPermissions(PosixFilePermissions.fromString(permissions));
        }
    }

    /**
     * Fails unless {@code registry} loaded the bundle without failure and holds each of its providers from the
     * bundle (not a class-path copy seen by {@code application}, not shadowed by another provider's name).
     */
    void assertLoaded(PluginRegistry registry, ClassLoader application) {
        Set<String> fromBundle = new TreeSet<>();
        for (Spi<?> spi : PluginRegistry.SPIS) {
            Registry<? extends ComponentProvider<?>> providers = registry.providers(spi.type());
            for (ComponentProvider<?> p : providers.all()) {
                if (providerClasses.contains(p.getClass().getName()) && !seenBy(application, p.getClass())) {
                    fromBundle.add(p.getClass().getName());
                }
            }
        }
        Set<String> missing = new TreeSet<>(providerClasses);
        missing.removeAll(fromBundle);
        if (!registry.failures().isEmpty() || !missing.isEmpty()) {
            throw new AssertionError("bundle " + pluginId + " (" + zip + ") did not load as a bundle"
                    + (missing.isEmpty() ? "" : "; providers not loaded from it: " + missing)
                    + "\n" + registry.render());
        }
    }

    private static boolean seenBy(ClassLoader application, Class<?> c) {
        for (ClassLoader l = application; l != null; l = l.getParent()) {
            if (c.getClassLoader() == l) {
                return true;
            }
        }
        return false;
    }
}
