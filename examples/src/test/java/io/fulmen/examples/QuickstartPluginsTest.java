package io.fulmen.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --list-plugins looks where a run looks (-Dfulmen.plugins.dir here) and honours --allow-writable-plugins-dir. */
class QuickstartPluginsTest {
    @TempDir
    Path dir;

    private static String listPlugins(String... extra) {
        String[] args = new String[extra.length + 1];
        args[0] = "--list-plugins";
        System.arraycopy(extra, 0, args, 1, extra.length);
        PrintStream previous = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Quickstart.run(args));
        } finally {
            System.setOut(previous);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listPluginsUsesTheConfiguredFolderAndTheWritableFolderOptIn() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared-plugins"));
        Files.write(shared.resolve("some-bundle.zip"), new byte[] {1, 2, 3});
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        String previous = System.getProperty("fulmen.plugins.dir");
        System.setProperty("fulmen.plugins.dir", shared.toString());
        try {
            String refused = listPlugins();
            assertTrue(refused.contains("is writable by group or others"), refused);
            assertTrue(refused.contains(shared.toString()), "the folder from -Dfulmen.plugins.dir: " + refused);
            assertTrue(refused.contains("csv"), "classpath plugins still listed: " + refused);

            String accepted = listPlugins("--allow-writable-plugins-dir");
            assertFalse(accepted.contains("is writable by group or others"), accepted);
            assertTrue(accepted.contains("some-bundle.zip"), "the bundle itself is examined now: " + accepted);
        } finally {
            if (previous == null) {
                System.clearProperty("fulmen.plugins.dir");
            } else {
                System.setProperty("fulmen.plugins.dir", previous);
            }
        }
    }
}
