package io.fulmen.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the kit reads from a bundle zip before loading it, and what it refuses with a message. */
class BundleUnderTestTest {
    private static final String LOGGER_SERVICES = "META-INF/services/io.fulmen.spi.ExperimentLoggerProvider";

    @TempDir
    Path dir;

    @Test
    void readsTheIdAndTheProvidersOfEveryJarInLib() throws IOException {
        Path zip = zip("ok.zip", Map.of(
                "plugin.properties", "plugin.id=acme\nplugin.version=1.0.0\n",
                "lib/acme.jar", jar(Map.of(LOGGER_SERVICES, "# comment\ncom.acme.LoggerProvider # trailing\n\n",
                        "META-INF/services/io.fulmen.spi.CallbackProvider", "com.acme.CallbackProvider\n",
                        "META-INF/services/java.sql.Driver", "com.acme.NotFulmen\n")),
                "lib/other.jar", jar(Map.of("x.txt", ""))));
        BundleUnderTest bundle = BundleUnderTest.read(zip);
        assertEquals("acme", bundle.pluginId());
        assertEquals(Set.of("com.acme.LoggerProvider", "com.acme.CallbackProvider"), bundle.providerClasses());
    }

    @Test
    void refusesAZipWithoutDescriptorOrProviders() throws IOException {
        Path noDescriptor = zip("a.zip", Map.of("lib/acme.jar", jar(Map.of(LOGGER_SERVICES, "com.acme.P\n"))));
        assertTrue(assertThrows(AssertionError.class, () -> BundleUnderTest.read(noDescriptor)).getMessage()
                .contains("no plugin.properties"));
        Path noProviders = zip("b.zip", Map.of("plugin.properties", "plugin.id=acme\n",
                "lib/acme.jar", jar(Map.of("com/acme/P.class", ""))));
        assertTrue(assertThrows(AssertionError.class, () -> BundleUnderTest.read(noProviders)).getMessage()
                .contains("registers no Fulmen provider"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BundleUnderTest.read(dir.resolve("none.zip")))
                .getMessage().contains("build it first"));
    }

    @Test
    void installsIntoAFreshFolderWritableByItsOwnerOnly() throws IOException {
        Path zip = zip("ok.zip", Map.of("plugin.properties", "plugin.id=acme\n",
                "lib/acme.jar", jar(Map.of(LOGGER_SERVICES, "com.acme.P\n"))));
        Path folder = BundleUnderTest.read(zip).installInto(dir.resolve("plugins"));
        assertTrue(Files.isRegularFile(folder.resolve("ok.zip")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertThrows(IllegalStateException.class, () -> BundleUnderTest.read(zip).installInto(folder));
    }

    private Path zip(String name, Map<String, ?> entries) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(zip)) {
            write(out, entries);
        }
        return zip;
    }

    private static byte[] jar(Map<String, ?> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(bytes, entries);
        return bytes.toByteArray();
    }

    private static void write(OutputStream out, Map<String, ?> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, ?> e : new LinkedHashMap<>(entries).entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue() instanceof byte[] b ? b : e.getValue().toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }
}
