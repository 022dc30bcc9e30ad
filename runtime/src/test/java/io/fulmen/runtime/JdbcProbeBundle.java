package io.fulmen.runtime;

import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A bundle as a JDBC user would write one: a driver found through {@code META-INF/services/java.sql.Driver} (as
 * sqlite-jdbc's is) and a logger, {@code jdbc_probe}, that connects with {@code DriverManager} when created and at
 * every {@code logMetrics}. The logger's {@code experiment()} is what it saw, one line per event: where it ran
 * ({@code in-bundle} when the context class loader was the bundle's) and whether JDBC found the driver.
 */
final class JdbcProbeBundle {
    static final String LOGGER = "jdbc_probe";

    private JdbcProbeBundle() {}

    static Path zipInto(Path plugins, Path work) throws IOException {
        return TestBundle.named("jdbc-probe")
                .source("fulmentest.TestDriver",
                        "package fulmentest;",
                        "public final class TestDriver implements java.sql.Driver {",
                        "  static {",
                        "    try { java.sql.DriverManager.registerDriver(new TestDriver()); }",
                        "    catch (java.sql.SQLException e) { throw new ExceptionInInitializerError(e); }",
                        "  }",
                        "  public java.sql.Connection connect(String url, java.util.Properties info) {",
                        "    if (!acceptsURL(url)) { return null; }",
                        "    return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(",
                        "        TestDriver.class.getClassLoader(), new Class<?>[] {java.sql.Connection.class},",
                        "        (p, m, a) -> m.getName().equals(\"toString\") ? url : null);",
                        "  }",
                        "  public boolean acceptsURL(String url) { return url.startsWith(\"jdbc:fulmentest:\"); }",
                        "  public java.sql.DriverPropertyInfo[] getPropertyInfo(String u, java.util.Properties i) {",
                        "    return new java.sql.DriverPropertyInfo[0];",
                        "  }",
                        "  public int getMajorVersion() { return 1; }",
                        "  public int getMinorVersion() { return 0; }",
                        "  public boolean jdbcCompliant() { return false; }",
                        "  public java.util.logging.Logger getParentLogger()",
                        "      throws java.sql.SQLFeatureNotSupportedException {",
                        "    throw new java.sql.SQLFeatureNotSupportedException();",
                        "  }",
                        "}")
                .source("fulmentest.ProbeLogger",
                        "package fulmentest;",
                        "public final class ProbeLogger implements io.fulmen.spi.ExperimentLogger {",
                        "  private final java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();",
                        "  ProbeLogger(String providerBuilt) {",
                        "    events.add(\"provider \" + providerBuilt);",
                        "    record(\"create\");",
                        "    Thread t = new Thread(() -> events.add(\"thread \" + where()), \"fulmen-jdbc-probe\");",
                        "    t.start();",
                        "    try { t.join(); } catch (InterruptedException e) { throw new IllegalStateException(e); }",
                        "    events.add(\"serviceloader \" + java.util.ServiceLoader.load(java.sql.Driver.class).stream()",
                        "        .anyMatch(p -> p.type() == TestDriver.class));",
                        "  }",
                        "  static String where() {",
                        "    return Thread.currentThread().getContextClassLoader() == ProbeLogger.class.getClassLoader()",
                        "        ? \"in-bundle\" : \"outside\";",
                        "  }",
                        "  private void record(String what) {",
                        "    String jdbc;",
                        "    try (java.sql.Connection c = java.sql.DriverManager.getConnection(\"jdbc:fulmentest:\" + what)) {",
                        "      jdbc = \"jdbc-ok\";",
                        "    } catch (java.sql.SQLException e) {",
                        "      jdbc = \"jdbc-failed: \" + e.getMessage();",
                        "    }",
                        "    events.add(what + \" \" + where() + \" \" + jdbc);",
                        "  }",
                        "  public String name() { return \"" + LOGGER + "\"; }",
                        "  public String version() { return \"0\"; }",
                        "  public void logHyperparams(java.util.Map<String, Object> params) { }",
                        "  public void logMetrics(java.util.Map<String, Double> metrics, long step) { record(\"metrics\"); }",
                        "  public void finish(io.fulmen.spi.RunStatus status) { events.add(\"finish \" + status + \" \" + where()); }",
                        "  public Object experiment() { return java.util.List.copyOf(events); }",
                        "}")
                .source("fulmentest.ProbeProvider",
                        "package fulmentest;",
                        "public final class ProbeProvider implements io.fulmen.spi.ExperimentLoggerProvider {",
                        "  private final String built = ProbeLogger.where();",
                        "  public String name() { return \"" + LOGGER + "\"; }",
                        "  public int priority() { return -1; }",
                        "  public io.fulmen.spi.ExperimentLogger create(io.fulmen.spi.ProviderContext context) {",
                        "    return new ProbeLogger(built);",
                        "  }",
                        "}")
                .service(ExperimentLoggerProvider.class.getName(), "fulmentest.ProbeProvider")
                .service("java.sql.Driver", "fulmentest.TestDriver")
                .zipInto(plugins, work);
    }

    /**
     * Builds a Trainer with the probe logger from the bundles of {@code plugins}, logs one row of metrics, closes
     * it and returns what the logger saw.
     */
    @SuppressWarnings("unchecked")
    static List<String> run(Path plugins, Path root) {
        try (PluginRegistry registry = PluginRegistry.discover(JdbcProbeBundle.class.getClassLoader(), plugins)) {
            ExperimentLogger logger;
            try (Trainer trainer = Trainer.builder().plugins(registry).accelerator("cpu").logger(LOGGER)
                    .defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                    .enableCheckpointing(false).build()) {
                logger = trainer.view().loggers().get(0);
                logger.logMetrics(Map.of("loss", 1.0), 1);
            }
            return (List<String>) logger.experiment();
        }
    }
}
