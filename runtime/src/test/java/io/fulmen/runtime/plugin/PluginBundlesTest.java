package io.fulmen.runtime.plugin;

import io.fulmen.accelerator.cpu.CpuAcceleratorProvider;
import io.fulmen.runtime.Trainer;
import io.fulmen.spi.AcceleratorProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU accelerator as a PF4J bundle in a plugins folder: found by name, isolated, failures reported. */
class PluginBundlesTest {
    @TempDir
    Path root;

    private Path cpuBundle(Path plugins) throws IOException, URISyntaxException {
        return cpuBundle(plugins, "");
    }

    /** Makes a bundle folder holding the CPU plugin as built (its jar, or its classes folder in the reactor). */
    private Path cpuBundle(Path plugins, String extraProperties) throws IOException, URISyntaxException {
        Path built = Path.of(CpuAcceleratorProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path bundle = plugins.resolve("fulmen-accelerator-cpu");
        Files.createDirectories(bundle);
        Files.writeString(bundle.resolve("plugin.properties"), String.join("\n",
                "plugin.id=fulmen-accelerator-cpu", "plugin.version=0.1.0", "plugin.provider=Fulmen",
                "plugin.license=Apache-2.0", "plugin.description=The CPU accelerator", extraProperties, ""));
        if (Files.isDirectory(built)) {
            copyTree(built, bundle.resolve("classes"));
        } else {
            Files.createDirectories(bundle.resolve("lib"));
            Files.copy(built, bundle.resolve("lib").resolve(built.getFileName()));
        }
        return bundle;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** The test class loader with the CPU plugin's service registration hidden: its classpath copy is absent. */
    private static ClassLoader withoutCpuOnClasspath() throws URISyntaxException {
        String hidden = CpuAcceleratorProvider.class.getProtectionDomain().getCodeSource().getLocation().toString();
        ClassLoader parent = PluginBundlesTest.class.getClassLoader();
        return new ClassLoader(parent) {
            @Override
            public java.util.Enumeration<java.net.URL> getResources(String name) throws IOException {
                java.util.List<java.net.URL> kept = new java.util.ArrayList<>();
                for (java.net.URL url : java.util.Collections.list(parent.getResources(name))) {
                    if (!url.toString().contains(hidden.replaceFirst("^file:", ""))) {
                        kept.add(url);
                    }
                }
                return java.util.Collections.enumeration(kept);
            }
        };
    }

    @Test
    void theCpuAcceleratorResolvesFromItsBundleAlone() throws Exception {
        Path plugins = root.resolve("plugins");
        cpuBundle(plugins);
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins)) {
            AcceleratorProvider cpu = registry.providers(AcceleratorProvider.class).resolve("cpu");
            assertTrue(cpu.getClass().getClassLoader() instanceof org.pf4j.PluginClassLoader,
                    "loaded by " + cpu.getClass().getClassLoader());
            assertEquals(java.util.List.of(), registry.failures());
            try (var model = new io.fulmen.runtime.BundleFixtures.Tiny(); var trainer = Trainer.builder()
                    .plugins(registry).accelerator("cpu").defaultRootDir(root).logger(false)
                    .enableCheckpointing(false).enableProgressBar(false).enableModelSummary(false).maxEpochs(1)
                    .build()) {
                trainer.fit(model, io.fulmen.runtime.BundleFixtures.loader());
                assertEquals(4, trainer.view().globalStep());
                // The Trainer holds the bundle's accelerator behind a delegate that calls it inside the bundle's loader.
                assertEquals("cpu", trainer.accelerator().name());
            }
        }
    }

    @Test
    void aNameOnTheClasspathAndInABundleKeepsTheClasspathOneAndReportsTheBundle() throws Exception {
        Path plugins = root.resolve("plugins");
        cpuBundle(plugins);
        try (PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), plugins)) {
            assertEquals(CpuAcceleratorProvider.class, registry.providers(AcceleratorProvider.class).resolve("cpu").getClass());
            assertTrue(registry.providers(AcceleratorProvider.class).conflicts().stream()
                    .anyMatch(c -> c.contains("fulmen-accelerator-cpu") && c.contains("ignored")),
                    registry.providers(AcceleratorProvider.class).conflicts().toString());
        }
    }

    @Test
    void aBundleWithACorruptJarDoesNotStopTheOthers() throws Exception {
        Path plugins = root.resolve("plugins");
        cpuBundle(plugins);
        Path broken = plugins.resolve("broken-bundle");
        Files.createDirectories(broken.resolve("lib"));
        Files.writeString(broken.resolve("plugin.properties"), "plugin.id=broken\nplugin.version=1.0.0\n");
        Files.write(broken.resolve("lib/broken.jar"), new byte[] {'P', 'K', 3, 4, 0, 0, 0});
        Files.createDirectories(broken.resolve("META-INF"));
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins)) {
            assertEquals("cpu", registry.providers(AcceleratorProvider.class).resolve("cpu").name());
        }
    }

    @Test
    void aMissingPluginsFolderIsAClearError() {
        Path missing = root.resolve("nope");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PluginRegistry.discover(getClass().getClassLoader(), missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    private static Path zip(Path dir) throws IOException {
        Path zip = dir.resolveSibling(dir.getFileName() + ".zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    out.putNextEntry(new java.util.zip.ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
                    Files.copy(p, out);
                    out.closeEntry();
                }
            }
        }
        deleteTree(dir);
        return zip;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }

    @Test
    void aBundleForAnotherApiVersionIsRefusedAndTheTrainerSaysWhyWhenAskedForIt() throws Exception {
        Path plugins = root.resolve("plugins");
        cpuBundle(plugins, "plugin.requires=>=2.0.0 & <3.0.0");
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins)) {
            assertTrue(registry.failures().stream().anyMatch(f -> f.contains("fulmen-accelerator-cpu")
                    && f.contains(">=2.0.0 & <3.0.0") && f.contains(io.fulmen.spi.ApiVersion.CURRENT)),
                    registry.failures().toString());
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().plugins(registry).accelerator("cpu").build());
            assertTrue(e.getMessage().contains("Unknown accelerator 'cpu'") && e.getMessage().contains("requires api"),
                    e.getMessage());
        }
    }

    @Test
    void idsOutsideTheAllowListAreNotLoaded() throws Exception {
        Path plugins = root.resolve("plugins");
        cpuBundle(plugins);
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins,
                new BundlePolicy(java.util.Set.of("someone-else"), false))) {
            assertTrue(registry.providers(AcceleratorProvider.class).find("cpu").isEmpty());
            assertTrue(registry.failures().stream().anyMatch(f -> f.contains("allow-list")), registry.failures().toString());
        }
    }

    @Test
    void zipBundlesLoadAndAChecksumFileMustMatch() throws Exception {
        Path plugins = root.resolve("plugins");
        Path zip = zip(cpuBundle(plugins));
        Files.writeString(zip.resolveSibling(zip.getFileName() + ".sha256"), sha256(zip) + "  " + zip.getFileName());
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins)) {
            assertEquals("cpu", registry.providers(AcceleratorProvider.class).resolve("cpu").name());
        }
        Files.writeString(zip.resolveSibling(zip.getFileName() + ".sha256"), "0".repeat(64));
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins)) {
            assertTrue(registry.providers(AcceleratorProvider.class).find("cpu").isEmpty());
            assertTrue(registry.failures().stream().anyMatch(f -> f.contains(zip.toString())
                    && f.contains("checksum mismatch")), registry.failures().toString());
        }
    }

    @Test
    void aCorruptZipIsReportedWithItsPath() throws Exception {
        Path plugins = root.resolve("plugins");
        cpuBundle(plugins);
        Path corrupt = plugins.resolve("corrupt.zip");
        Files.write(corrupt, new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins)) {
            assertEquals("cpu", registry.providers(AcceleratorProvider.class).resolve("cpu").name());
            assertTrue(registry.failures().stream().anyMatch(f -> f.contains("corrupt")), registry.failures().toString());
        }
    }

    @Test
    void aFolderWritableByOthersRefusesItsBundlesOnlyUnlessAccepted() throws Exception {
        Path plugins = root.resolve("plugins");
        cpuBundle(plugins);
        Files.setPosixFilePermissions(plugins, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins)) {
            assertTrue(registry.providers(AcceleratorProvider.class).find("cpu").isEmpty());
            assertTrue(registry.providers(io.fulmen.spi.ExperimentLoggerProvider.class).find("csv").isPresent(),
                    "classpath plugins keep working");
            assertEquals(1, registry.failures().size(), registry.failures().toString());
            String f = registry.failures().get(0);
            assertTrue(f.contains("chmod -R go-w") && f.contains(plugins.toString())
                    && f.contains("allowWritablePluginsDir(true)") && f.contains("--allow-writable-plugins-dir"), f);
        }
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins,
                new BundlePolicy(java.util.Set.of(), true))) {
            assertEquals("cpu", registry.providers(AcceleratorProvider.class).resolve("cpu").name());
        }
    }

    @Test
    void theRegistryDescribesEveryProviderWithItsOrigin() throws Exception {
        Path plugins = root.resolve("plugins");
        cpuBundle(plugins);
        try (PluginRegistry registry = PluginRegistry.discover(withoutCpuOnClasspath(), plugins)) {
            var cpu = registry.describe().stream().filter(i -> i.name().equals("cpu")).findFirst().orElseThrow();
            assertEquals("accelerator", cpu.spi());
            assertTrue(cpu.origin().contains("bundle fulmen-accelerator-cpu@0.1.0"), cpu.origin());
            var csv = registry.describe().stream().filter(i -> i.name().equals("csv")).findFirst().orElseThrow();
            assertTrue(csv.origin().startsWith("classpath:"), csv.origin());
            String table = registry.render();
            assertTrue(table.contains("single_device") && table.contains("32-true") && table.contains("cpu"), table);
        }
    }
}
