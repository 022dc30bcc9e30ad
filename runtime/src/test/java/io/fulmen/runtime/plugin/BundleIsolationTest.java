package io.fulmen.runtime.plugin;

import io.fulmen.runtime.Trainer;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.ProviderContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bundles compiled here against the api alone, each with its own private libraries: two versions of one library
 * side by side, a provider that throws while being built, and a bundle missing a dependency.
 */
class BundleIsolationTest {
    private static final Path LIBS = Path.of("target", "bundle-test-libs");
    private static final Path OLD_LANG = LIBS.resolve("commons-lang3-3.12.0.jar");
    private static final Path NEW_LANG = LIBS.resolve("commons-lang3-3.17.0.jar");

    @TempDir
    Path root;

    /** A logger provider named {@code name} whose loggers report the commons-lang3 version they see. */
    private static String provider(String pkg, String name, String constructorBody) {
        return String.join("\n",
                "package " + pkg + ";",
                "public final class Provider implements io.fulmen.spi.ExperimentLoggerProvider {",
                "  public Provider() { " + constructorBody + " }",
                "  public String name() { return \"" + name + "\"; }",
                "  public io.fulmen.spi.ExperimentLogger create(io.fulmen.spi.ProviderContext c) {",
                "    String seen = org.apache.commons.lang3.StringUtils.class.getPackage().getImplementationVersion();",
                "    return new io.fulmen.spi.ExperimentLogger() {",
                "      public String name() { return \"" + name + "\"; }",
                "      public String version() { return seen; }",
                "      public void logHyperparams(java.util.Map<String, Object> p) { }",
                "      public void logMetrics(java.util.Map<String, Double> m, long step) { }",
                "    };",
                "  }",
                "}");
    }

    /** Compiles {@code source} against the api and {@code compileLib}, and lays out a bundle with {@code libs}. */
    private Path bundle(Path plugins, String id, String pkg, String source, Path compileLib, Path... libs)
            throws IOException {
        Path src = root.resolve("src-" + id).resolve(pkg).resolve("Provider.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = root.resolve("classes-" + id);
        Files.createDirectories(classes);
        String api = Path.of(codeSource(ExperimentLoggerProvider.class)).toString();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-proc:none", "-d", classes.toString(), "-cp",
                api + java.io.File.pathSeparator + compileLib.toAbsolutePath(), src.toString());
        assertEquals(0, rc, "compiling the test plugin " + id);
        Path bundle = plugins.resolve(id);
        Files.createDirectories(bundle.resolve("lib"));
        Files.writeString(bundle.resolve("plugin.properties"), "plugin.id=" + id + "\nplugin.version=1.0.0\n"
                + "plugin.requires=>=0.1.0 & <1.0.0\n");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(bundle.resolve("lib/" + id + ".jar")))) {
            // Directory entries too: PF4J's service-file finder looks the META-INF/services folder up as a resource.
            jar.putNextEntry(new JarEntry("META-INF/"));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry("META-INF/services/"));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry("META-INF/services/" + ExperimentLoggerProvider.class.getName()));
            jar.write((pkg + ".Provider\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    jar.write(Files.readAllBytes(f));
                    jar.closeEntry();
                }
            }
        }
        for (Path lib : libs) {
            Files.copy(lib, bundle.resolve("lib").resolve(lib.getFileName()));
        }
        return bundle;
    }

    private static String codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String versionSeenBy(PluginRegistry registry, String logger) {
        return registry.providers(ExperimentLoggerProvider.class).resolve(logger)
                .create(ProviderContext.of(Path.of("."))).version();
    }

    @Test
    void twoBundlesWithTwoVersionsOfOneLibraryEachSeeTheirOwn() throws IOException {
        Path plugins = root.resolve("plugins");
        bundle(plugins, "lang-old", "old", provider("old", "lang-old", ""), OLD_LANG, OLD_LANG);
        bundle(plugins, "lang-new", "fresh", provider("fresh", "lang-new", ""), NEW_LANG, NEW_LANG);
        try (PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), plugins)) {
            assertEquals(List.of(), registry.failures());
            assertEquals("3.12.0", versionSeenBy(registry, "lang-old"));
            assertEquals("3.17.0", versionSeenBy(registry, "lang-new"));
        }
    }

    @Test
    void aProviderThatThrowsIsReportedAndOnlyItsNameFails() throws IOException {
        Path plugins = root.resolve("plugins");
        bundle(plugins, "fine", "fine", provider("fine", "fine", ""), NEW_LANG, NEW_LANG);
        bundle(plugins, "throwing", "boom", provider("boom", "throwing",
                "throw new IllegalStateException(\"broken on purpose\");"), NEW_LANG, NEW_LANG);
        try (PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), plugins)) {
            assertEquals("3.17.0", versionSeenBy(registry, "fine"));
            assertTrue(registry.failures().stream().anyMatch(f -> f.contains("throwing")
                    && f.contains("broken on purpose")), registry.failures().toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().plugins(registry).logger("throwing").build());
            assertTrue(e.getMessage().contains("broken on purpose"), e.getMessage());
        }
    }

    @Test
    void aBundleMissingADependencyFailsWhenUsedAndSaysWhatIsMissing() throws IOException {
        Path plugins = root.resolve("plugins");
        bundle(plugins, "incomplete", "partial", provider("partial", "incomplete", ""), NEW_LANG);
        try (PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), plugins)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Trainer.builder().plugins(registry).logger("incomplete").build());
            assertTrue(e.getMessage().contains("org/apache/commons/lang3/StringUtils")
                    && e.getMessage().contains(plugins.resolve("incomplete").toString()), e.getMessage());
        }
    }


    /** The api as a jar: the built jar itself, or a jar made from its classes folder inside the reactor. */
    private Path apiJar() throws IOException {
        Path api = Path.of(codeSource(ExperimentLoggerProvider.class));
        if (!Files.isDirectory(api)) {
            return api;
        }
        Path jarFile = root.resolve("fulmen-api-copy.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(jarFile));
             Stream<Path> files = Files.walk(api)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jar.putNextEntry(new JarEntry(api.relativize(f).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        return jarFile;
    }

    @Test
    void aBundleCarryingItsOwnCopyOfTheApiStillSharesTheHostsTypes() throws IOException {
        Path plugins = root.resolve("plugins");
        bundle(plugins, "with-api", "withapi", provider("withapi", "with-api", ""), NEW_LANG, NEW_LANG, apiJar());
        try (PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), plugins)) {
            assertEquals(List.of(), registry.failures());
            assertEquals("3.17.0", versionSeenBy(registry, "with-api"));
            assertEquals(ExperimentLoggerProvider.class.getClassLoader(),
                    registry.providers(ExperimentLoggerProvider.class).resolve("with-api").getClass().getInterfaces()[0].getClassLoader());
        }
    }

    @Test
    void twoRegistriesWithDifferentFoldersLiveSideBySide() throws IOException {
        Path first = root.resolve("first");
        Path second = root.resolve("second");
        bundle(first, "lang-old", "old", provider("old", "lang-old", ""), OLD_LANG, OLD_LANG);
        bundle(second, "lang-new", "fresh", provider("fresh", "lang-new", ""), NEW_LANG, NEW_LANG);
        try (PluginRegistry a = PluginRegistry.discover(getClass().getClassLoader(), first);
             PluginRegistry b = PluginRegistry.discover(getClass().getClassLoader(), second)) {
            assertEquals("3.12.0", versionSeenBy(a, "lang-old"));
            assertEquals("3.17.0", versionSeenBy(b, "lang-new"));
            assertTrue(a.providers(ExperimentLoggerProvider.class).find("lang-new").isEmpty());
            assertTrue(b.providers(ExperimentLoggerProvider.class).find("lang-old").isEmpty());
        }
    }
}
