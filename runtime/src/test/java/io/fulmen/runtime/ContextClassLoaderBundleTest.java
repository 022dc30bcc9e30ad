package io.fulmen.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bundle whose code finds its JDBC driver through the context class loader: the provider is built, the logger
 * created (and the thread it starts), and its methods run with the bundle's loader as the context class loader.
 */
class ContextClassLoaderBundleTest {
    @TempDir
    Path root;

    @Test
    void everyCallIntoTheBundleSeesTheBundlesLoader() throws Exception {
        Path plugins = root.resolve("plugins");
        JdbcProbeBundle.zipInto(plugins, root.resolve("work"));
        List<String> events = JdbcProbeBundle.run(plugins, root);
        for (String expected : List.of("provider in-bundle", "create in-bundle", "thread in-bundle",
                "serviceloader true", "metrics in-bundle", "finish SUCCESS in-bundle")) {
            assertTrue(events.stream().anyMatch(e -> e.startsWith(expected)), expected + " in " + events);
        }
    }

    /** The user's report, in a fresh JVM: DriverManager, first used inside the bundle, finds the bundle's driver. */
    @Test
    void jdbcFindsTheBundlesDriverThroughDriverManager() throws Exception {
        Path plugins = root.resolve("plugins");
        JdbcProbeBundle.zipInto(plugins, root.resolve("work"));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = root.resolve("child.log");
        Process child = new ProcessBuilder(java, "-cp", classpath, "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", BundleJdbcChild.class.getName(), plugins.toString(),
                root.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not end in 120 s");
        String output = Files.readString(log);
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("EVENT create in-bundle jdbc-ok"), output);
        assertTrue(output.contains("EVENT metrics in-bundle jdbc-ok"), output);
    }
}
