package io.fulmen.runtime;

import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.PluginLifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A bundle registers a JDBC driver in its {@link PluginLifecycle}'s start, which its logger then connects through;
 * when its stop deregisters the driver, closing the registry lets the bundle's class loader be collected. Without
 * the deregistration, {@code DriverManager} keeps it.
 */
class PluginLifecycleUnloadTest {
    @TempDir
    Path root;

    private Path bundle(Path plugins, String id, boolean deregister) throws IOException {
        String pkg = id.replace("-", "");
        return TestBundle.named(id)
                .source(pkg + ".LifeDriver",
                        "package " + pkg + ";",
                        "public final class LifeDriver implements java.sql.Driver {",
                        "  public java.sql.Connection connect(String url, java.util.Properties info) {",
                        "    if (!acceptsURL(url)) { return null; }",
                        "    return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(",
                        "        LifeDriver.class.getClassLoader(), new Class<?>[] {java.sql.Connection.class},",
                        "        (p, m, a) -> m.getName().equals(\"toString\") ? url : null);",
                        "  }",
                        "  public boolean acceptsURL(String url) { return url.startsWith(\"jdbc:" + pkg + ":\"); }",
                        "  public java.sql.DriverPropertyInfo[] getPropertyInfo(String u, java.util.Properties i) {",
                        "    return new java.sql.DriverPropertyInfo[0];",
                        "  }",
                        "  public int getMajorVersion() { return 1; }",
                        "  public int getMinorVersion() { return 0; }",
                        "  public boolean jdbcCompliant() { return false; }",
                        "  public java.util.logging.Logger getParentLogger() {",
                        "    return java.util.logging.Logger.getLogger(\"" + pkg + "\");",
                        "  }",
                        "}")
                .source(pkg + ".Life",
                        "package " + pkg + ";",
                        "public final class Life implements io.fulmen.spi.PluginLifecycle {",
                        "  private final LifeDriver driver = new LifeDriver();",
                        "  public void start(io.fulmen.spi.PluginContext context) {",
                        "    try { java.sql.DriverManager.registerDriver(driver); }",
                        "    catch (java.sql.SQLException e) { throw new IllegalStateException(e); }",
                        "  }",
                        "  public void stop() {",
                        deregister ? "    try { java.sql.DriverManager.deregisterDriver(driver); }"
                                + " catch (java.sql.SQLException e) { throw new IllegalStateException(e); }" : "",
                        "  }",
                        "}")
                .source(pkg + ".LifeProvider",
                        "package " + pkg + ";",
                        "public final class LifeProvider implements io.fulmen.spi.ExperimentLoggerProvider {",
                        "  public String name() { return \"" + id + "\"; }",
                        "  public int priority() { return -1; }",
                        "  public io.fulmen.spi.ExperimentLogger create(io.fulmen.spi.ProviderContext context) {",
                        "    String connected;",
                        "    try (java.sql.Connection c = java.sql.DriverManager.getConnection(\"jdbc:" + pkg + ":run\")) {",
                        "      connected = c.toString();",
                        "    } catch (java.sql.SQLException e) { throw new IllegalStateException(e); }",
                        "    return new io.fulmen.spi.ExperimentLogger() {",
                        "      public String name() { return \"" + id + "\"; }",
                        "      public String version() { return \"0\"; }",
                        "      public void logHyperparams(java.util.Map<String, Object> params) { }",
                        "      public void logMetrics(java.util.Map<String, Double> metrics, long step) { }",
                        "      public Object experiment() { return connected; }",
                        "    };",
                        "  }",
                        "}")
                .service(ExperimentLoggerProvider.class.getName(), pkg + ".LifeProvider")
                .service(PluginLifecycle.class.getName(), pkg + ".Life")
                .zipInto(plugins, root.resolve("work-" + id));
    }

    /** Trains nothing: builds a Trainer whose logger connects through the driver, then closes everything. */
    private WeakReference<ClassLoader> useAndClose(Path plugins, String logger) {
        try (PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), plugins)) {
            assertEquals(java.util.List.of(), registry.failures());
            WeakReference<ClassLoader> loader = new WeakReference<>(registry
                    .providers(ExperimentLoggerProvider.class).resolve(logger).getClass().getClassLoader());
            try (Trainer trainer = Trainer.builder().plugins(registry).accelerator("cpu").logger(logger)
                    .defaultRootDir(root).enableProgressBar(false).enableModelSummary(false).build()) {
                ExperimentLogger l = trainer.view().loggers().get(0);
                assertEquals("jdbc:" + logger.replace("-", "") + ":run", l.experiment());
            }
            return loader;
        }
    }

    private static boolean collected(WeakReference<ClassLoader> loader, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (loader.get() != null && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(50);
        }
        return loader.get() == null;
    }

    @Test
    void stopDeregistersTheDriverAndTheBundlesLoaderIsCollected() throws Exception {
        Path plugins = root.resolve("plugins");
        bundle(plugins, "life-probe", true);
        WeakReference<ClassLoader> loader = useAndClose(plugins, "life-probe");
        assertNull(collected(loader, 20_000) ? null : loader.get(), "the bundle's class loader is still reachable "
                + "20 s after its registry closed");
    }

    @Test
    void withoutTheDeregistrationDriverManagerKeepsTheLoader() throws Exception {
        Path plugins = root.resolve("plugins");
        bundle(plugins, "pinned-probe", false);
        WeakReference<ClassLoader> loader = useAndClose(plugins, "pinned-probe");
        collected(loader, 1_000);
        assertNotNull(loader.get(), "the control: a driver left registered pins its bundle");
    }
}
