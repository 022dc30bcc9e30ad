package io.fulmen.runtime.plugin;

import io.fulmen.spi.ExperimentLoggerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static io.fulmen.runtime.plugin.TestBundles.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Zip bundles install into a private, verified folder; what loads is what was verified, or nothing. */
class BundleInstallTest {
    @TempDir
    Path root;

    private Path plugins() {
        return root.resolve("plugins");
    }

    private PluginRegistry discover() {
        return PluginRegistry.discover(getClass().getClassLoader(), plugins());
    }

    private static ExperimentLoggerProvider logger(PluginRegistry r, String name) {
        return r.providers(ExperimentLoggerProvider.class).resolve(name);
    }

    private Path installFolder() throws IOException {
        try (Stream<Path> dirs = Files.list(plugins().resolve(BundleInstaller.INSTALL_FOLDER))) {
            List<Path> installs = dirs.filter(Files::isDirectory).toList();
            assertEquals(1, installs.size(), installs.toString());
            return installs.get(0);
        }
    }

    @Test
    void aZipLoadsFromItsPrivateInstallFolderAndNothingIsUnpackedBesideIt() throws Exception {
        Path zip = TestBundles.zip(plugins(), "jsonl", properties("jsonl", "1.0.0"),
                TestBundles.loggerJar(root, "orig", "jsonl", "original", 0));
        String sha = InstallManifest.sha256(zip);
        try (PluginRegistry r = discover()) {
            assertEquals(List.of(), r.failures());
            Path installed = plugins().resolve(BundleInstaller.INSTALL_FOLDER).resolve("jsonl-1.0.0-"
                    + sha.substring(0, 12));
            assertEquals(installed, installFolder());
            assertTrue(Files.isRegularFile(installed.resolve(InstallManifest.FILE)));
            assertTrue(TestBundles.codeSource(logger(r, "jsonl").getClass()).startsWith(installed.toString()));
        }
        try (Stream<Path> entries = Files.list(plugins())) {
            assertEquals(List.of(".fulmen-installed", "jsonl.zip"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aJarReplacedOrAddedInTheInstallFolderIsNeverLoaded() throws Exception {
        TestBundles.zip(plugins(), "jsonl", properties("jsonl", "1.0.0"),
                TestBundles.loggerJar(root, "orig", "jsonl", "original", 0));
        try (PluginRegistry r = discover()) {
            assertEquals("original", logger(r, "jsonl").description());
        }
        Path jar = installFolder().resolve("lib/orig.jar");
        Files.copy(TestBundles.loggerJar(root, "orig", "jsonl", "replaced", 0), jar,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(TestBundles.loggerJar(root, "extra", "extra", "added", 0), jar.resolveSibling("extra.jar"));
        try (PluginRegistry r = discover()) {
            assertEquals("original", logger(r, "jsonl").description());
            assertTrue(r.providers(ExperimentLoggerProvider.class).find("extra").isEmpty());
            assertEquals(List.of(), r.failures());
        }
        assertFalse(Files.exists(installFolder().resolve("lib/extra.jar")));
        assertEquals(java.util.Optional.empty(), InstallManifest.verify(installFolder()));
    }

    @Test
    void anInstalledFileMadeGroupWritableIsInstalledAgain() throws Exception {
        TestBundles.zip(plugins(), "jsonl", properties("jsonl", "1.0.0"),
                TestBundles.loggerJar(root, "orig", "jsonl", "original", 0));
        discover().close();
        Path jar = installFolder().resolve("lib/orig.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));
        assertTrue(InstallManifest.verify(installFolder()).orElseThrow().contains("writable by group"));
        try (PluginRegistry r = discover()) {
            assertEquals("original", logger(r, "jsonl").description());
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)));
    }

    @Test
    void aHalfUnpackedInstallIsInstalledAgainAndLeftoversAreRemoved() throws Exception {
        TestBundles.zip(plugins(), "jsonl", properties("jsonl", "1.0.0"),
                TestBundles.loggerJar(root, "orig", "jsonl", "original", 0));
        discover().close();
        Path installed = installFolder();
        Files.delete(installed.resolve(InstallManifest.FILE));
        Files.delete(installed.resolve("lib/orig.jar"));
        Path leftover = installed.resolveSibling(".tmp-crashed");
        Files.createDirectories(leftover.resolve("lib"));
        try (PluginRegistry r = discover()) {
            assertEquals(List.of(), r.failures());
            assertEquals("original", logger(r, "jsonl").description());
        }
        assertFalse(Files.exists(leftover));
        assertEquals(java.util.Optional.empty(), InstallManifest.verify(installed));
    }

    @Test
    void aTruncatedZipIsOneLineEveryTimeAndLeavesNothingToLoad() throws Exception {
        Path zip = TestBundles.zip(plugins(), "jsonl", properties("jsonl", "1.0.0"),
                TestBundles.loggerJar(root, "orig", "jsonl", "original", 0));
        byte[] bytes = Files.readAllBytes(zip);
        Files.write(zip, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PluginRegistry r = discover()) {
                assertEquals(1, r.failures().size(), r.failures().toString());
                String f = r.failures().get(0);
                assertTrue(f.startsWith("bundle " + zip) && f.contains("truncated or corrupt")
                        && f.contains("copy it again") && !f.contains("\n"), f);
                assertTrue(r.providers(ExperimentLoggerProvider.class).find("jsonl").isEmpty());
            }
            try (Stream<Path> left = Files.list(plugins().resolve(BundleInstaller.INSTALL_FOLDER))) {
                assertEquals(List.of(".lock"), left.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    @Test
    void everythingCodeLoadsFromInAFolderBundleMustBeOwnerWritableOnly() throws Exception {
        Path bundle = TestBundles.folder(plugins(), "jsonl", properties("jsonl", "1.0.0"),
                TestBundles.loggerJar(root, "orig", "jsonl", "original", 0));
        Path jar = bundle.resolve("lib/orig.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (PluginRegistry r = discover()) {
            assertTrue(r.providers(ExperimentLoggerProvider.class).find("jsonl").isEmpty());
            String f = r.failures().get(0);
            assertTrue(f.contains(jar.toString()) && f.contains("chmod -R go-w")
                    && f.contains("allowWritablePluginsDir(true)"), f);
        }
        try (PluginRegistry r = PluginRegistry.discover(getClass().getClassLoader(), plugins(),
                new BundlePolicy(java.util.Set.of(), true))) {
            assertEquals("original", logger(r, "jsonl").description());
        }
    }

    @Test
    void aGroupWritableZipOrPinIsRefused() throws Exception {
        Path zip = TestBundles.zip(plugins(), "jsonl", properties("jsonl", "1.0.0"),
                TestBundles.loggerJar(root, "orig", "jsonl", "original", 0));
        Files.setPosixFilePermissions(zip, PosixFilePermissions.fromString("rw-rw-r--"));
        try (PluginRegistry r = discover()) {
            assertTrue(r.failures().get(0).startsWith("bundle " + zip) && r.failures().get(0).contains("rw-rw-r--"),
                    r.failures().toString());
        }
    }
}
