package io.fulmen.runtime;

import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.PluginLifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A build that fails on its second logger releases what it created: the first logger (which started a thread) is
 * finished as FAILED and its thread is gone, and the plugin registry the build discovered is closed (its bundle's
 * lifecycle stopped).
 */
class FailedBuildReleasesTest {
    private static final String WRITER_THREAD = "fulmen-build-probe-writer";

    @TempDir
    Path root;

    @Test
    void aFailingSecondLoggerFinishesTheFirstAndClosesTheOwnedRegistry() throws Exception {
        Path plugins = root.resolve("plugins");
        TestBundle.named("build-probe")
                .source("buildprobe.Events",
                        "package buildprobe;",
                        "public final class Events {",
                        "  public static void add(java.nio.file.Path file, String line) {",
                        "    try {",
                        "      java.nio.file.Files.writeString(file, line + \"\\n\", java.nio.file.StandardOpenOption.CREATE,",
                        "          java.nio.file.StandardOpenOption.APPEND);",
                        "    } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }",
                        "  }",
                        "}")
                .source("buildprobe.ThreadedLogger",
                        "package buildprobe;",
                        "public final class ThreadedLogger implements io.fulmen.spi.ExperimentLogger {",
                        "  private final java.nio.file.Path events;",
                        "  private volatile boolean done;",
                        "  private final Thread writer = new Thread(() -> {",
                        "    while (!done) { java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); }",
                        "  }, \"" + WRITER_THREAD + "\");",
                        "  ThreadedLogger(java.nio.file.Path events) { this.events = events; writer.start(); }",
                        "  public String name() { return \"threaded\"; }",
                        "  public String version() { return \"0\"; }",
                        "  public void logHyperparams(java.util.Map<String, Object> params) { }",
                        "  public void logMetrics(java.util.Map<String, Double> metrics, long step) { }",
                        "  public void finish(io.fulmen.spi.RunStatus status) {",
                        "    done = true;",
                        "    try { writer.join(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }",
                        "    Events.add(events, \"finish \" + status);",
                        "  }",
                        "}")
                .source("buildprobe.ThreadedProvider",
                        "package buildprobe;",
                        "public final class ThreadedProvider implements io.fulmen.spi.ExperimentLoggerProvider {",
                        "  public String name() { return \"threaded\"; }",
                        "  public int priority() { return -1; }",
                        "  public io.fulmen.spi.ExperimentLogger create(io.fulmen.spi.ProviderContext context) {",
                        "    return new ThreadedLogger(context.rootDir().resolve(\"threaded.events\"));",
                        "  }",
                        "}")
                .source("buildprobe.FailingProvider",
                        "package buildprobe;",
                        "public final class FailingProvider implements io.fulmen.spi.ExperimentLoggerProvider {",
                        "  public String name() { return \"failing\"; }",
                        "  public int priority() { return -1; }",
                        "  public io.fulmen.spi.ExperimentLogger create(io.fulmen.spi.ProviderContext context) {",
                        "    throw new IllegalStateException(\"failing on purpose\");",
                        "  }",
                        "}")
                .source("buildprobe.Lifecycle",
                        "package buildprobe;",
                        "public final class Lifecycle implements io.fulmen.spi.PluginLifecycle {",
                        "  private java.nio.file.Path events;",
                        "  public void start(io.fulmen.spi.PluginContext context) {",
                        "    events = context.path().resolveSibling(\"lifecycle.events\");",
                        "    Events.add(events, \"start \" + context.pluginId());",
                        "  }",
                        "  public void stop() { Events.add(events, \"stop\"); }",
                        "}")
                .service(ExperimentLoggerProvider.class.getName(), "buildprobe.ThreadedProvider")
                .service(ExperimentLoggerProvider.class.getName(), "buildprobe.FailingProvider")
                .service(PluginLifecycle.class.getName(), "buildprobe.Lifecycle")
                .zipInto(plugins, root.resolve("work"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trainer.builder()
                .pluginsDir(plugins).accelerator("cpu").logger("threaded").logger("failing").defaultRootDir(root)
                .enableProgressBar(false).enableModelSummary(false).build());
        assertTrue(e.getMessage().contains("failing on purpose"), e.getMessage());
        assertEquals("finish FAILED\n", TestBundle.read(root.resolve("threaded.events")));
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(WRITER_THREAD)),
                "the first logger's thread still runs");
        assertEquals("start build-probe\nstop\n", TestBundle.read(plugins.resolve("lifecycle.events")),
                "the registry the build discovered is closed");
    }
}
