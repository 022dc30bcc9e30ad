package io.fulmen.testkit;

import io.fulmen.testkit.fixture.CountingCallbackProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit's bundle path end to end, with a plugin that is also on this test's class path (as a plugin's own tests
 * have it): the fit must use the bundle's copy, and a bundle the runtime refuses must fail the test, not the fit.
 */
class FitAsBundleTest {
    private static final String SERVICES = "META-INF/services/io.fulmen.spi.CallbackProvider";

    @TempDir
    Path dir;

    @Test
    void theFitUsesTheBundlesCopyOfThePlugin() throws Exception {
        Path root = dir.resolve("run");
        PluginTestKit.fitAsBundle(bundle("counting.zip", "", true), root, b -> b.logger(false).callbacks("counting"));
        String loader = Files.readString(root.resolve("counting.txt"));
        assertNotEquals(String.valueOf(CountingCallbackProvider.class.getClassLoader()), loader);
    }

    @Test
    void aBundleTheRuntimeRefusesFailsBeforeTheFit() throws Exception {
        Path zip = bundle("future.zip", "plugin.requires=>=99.0.0\n", true);
        AssertionError e = assertThrows(AssertionError.class,
                () -> PluginTestKit.fitAsBundle(zip, dir.resolve("run"), b -> b.callbacks("counting")));
        assertTrue(e.getMessage().contains("did not load as a bundle"), e.getMessage());
        assertTrue(e.getMessage().contains("io.fulmen.testkit.fixture.CountingCallbackProvider"), e.getMessage());
    }

    @Test
    void aJarWithoutFolderEntriesLoadsToo() throws Exception {
        // PF4J's own discovery listed META-INF/services/ as a folder and found nothing in such a jar; Fulmen's reads
        // the services files themselves.
        Path zip = bundle("flat.zip", "", false);
        assertDoesNotThrow(() -> PluginTestKit.fitAsBundle(zip, dir.resolve("run"), b -> b.callbacks("counting")));
    }

    /** A bundle of the fixture package's compiled classes and its services file. */
    private Path bundle(String name, String extraProperties, boolean folderEntries)
            throws IOException, URISyntaxException {
        Path classes = Path.of(CountingCallbackProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        Path jar = dir.resolve("counting.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.list(classes.resolve("io/fulmen/testkit/fixture"))) {
            for (String folder : !folderEntries ? List.<String>of() : List.of("META-INF/", "META-INF/services/", "io/", "io/fulmen/", "io/fulmen/testkit/",
                    "io/fulmen/testkit/fixture/")) {
                put(out, folder, new byte[0]);   // as jar tools write them; PF4J lists META-INF/services/ as a folder
            }
            for (Path f : files.toList()) {
                put(out, classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
            put(out, SERVICES, Files.readAllBytes(classes.resolve(SERVICES)));
        }
        Path zip = dir.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            put(out, "plugin.properties", ("plugin.id=counting\nplugin.version=0.1.0\n" + extraProperties)
                    .getBytes(StandardCharsets.UTF_8));
            put(out, "lib/counting.jar", Files.readAllBytes(jar));
        }
        return zip;
    }

    private static void put(ZipOutputStream out, String entry, byte[] bytes) throws IOException {
        out.putNextEntry(new ZipEntry(entry));
        out.write(bytes);
        out.closeEntry();
    }

}
