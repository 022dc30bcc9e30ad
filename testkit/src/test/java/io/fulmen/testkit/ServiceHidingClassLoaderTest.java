package io.fulmen.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The class-path copy of a plugin's registrations is hidden; everything else shows through. */
class ServiceHidingClassLoaderTest {
    private static final String SERVICES = "META-INF/services/io.fulmen.spi.CallbackProvider";

    @TempDir
    Path dir;

    @Test
    void hidesOnlyTheServicesFilesNamingAHiddenProvider() throws IOException {
        Path plugin = services("plugin", "com.acme.Hidden\n");
        Path other = services("other", "com.other.Kept\n");
        Files.writeString(plugin.resolve("data.txt"), "x");
        try (URLClassLoader parent = new URLClassLoader(new URL[] {plugin.toUri().toURL(), other.toUri().toURL()},
                null)) {
            ClassLoader hiding = new ServiceHidingClassLoader(parent, Set.of("com.acme.Hidden"));
            assertEquals(2, Collections.list(parent.getResources(SERVICES)).size());
            assertEquals(1, Collections.list(hiding.getResources(SERVICES)).size());
            assertEquals(other.resolve(SERVICES).toUri().toURL(), hiding.getResource(SERVICES));
            assertNotNull(hiding.getResource("data.txt"));
            ClassLoader hidingBoth = new ServiceHidingClassLoader(parent, Set.of("com.acme.Hidden", "com.other.Kept"));
            assertNull(hidingBoth.getResource(SERVICES));
        }
    }

    private Path services(String name, String content) throws IOException {
        Path root = dir.resolve(name);
        Files.createDirectories(root.resolve(SERVICES).getParent());
        Files.writeString(root.resolve(SERVICES), content);
        return root;
    }
}
