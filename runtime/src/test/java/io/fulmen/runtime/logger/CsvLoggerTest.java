package io.fulmen.runtime.logger;

import io.fulmen.logging.HparamsYaml;
import io.fulmen.pyformat.PyRepr;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvLoggerTest {

    @TempDir
    Path root;

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    /** The file's lines once the logger's writer thread has written {@code count} of them (it writes off-thread). */
    private static List<String> linesOnceWritten(Path file, int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(file)) {
                List<String> lines = lines(file);
                if (lines.size() >= count) {
                    return lines;
                }
            }
            Thread.sleep(5);
        }
        return Files.isRegularFile(file) ? lines(file) : List.of();
    }

    @Test
    void versionsIncrementInOneRoot() {
        CsvLogger first = new CsvLogger(root);
        CsvLogger second = new CsvLogger(root);
        assertEquals("version_0", first.version());
        assertEquals("version_1", second.version());
        assertEquals(root.resolve("fulmen_logs").resolve("version_0"), first.logDir());
        assertTrue(Files.isDirectory(second.logDir()));
        assertEquals("fulmen_logs", first.name());
    }

    @Test
    void nextVersionFollowsTheHighestExistingOne() throws Exception {
        Files.createDirectories(root.resolve("fulmen_logs/version_4"));
        Files.createDirectories(root.resolve("fulmen_logs/version_x"));
        assertEquals("version_5", new CsvLogger(root).version());
    }

    @Test
    void creatingALoggerTouchesNoFile() throws Exception {
        new CsvLogger(root, "exp");
        try (var entries = Files.list(root)) {
            assertEquals(0, entries.count());
        }
    }

    @Test
    void concurrentLoggersGetDistinctVersions() throws Exception {
        int threads = 8;
        for (int round = 0; round < 10; round++) {
            Path dir = root.resolve("round" + round);
            CyclicBarrier barrier = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<String>> versions = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    versions.add(pool.submit(() -> {
                        CsvLogger logger = new CsvLogger(dir);
                        barrier.await();
                        logger.logMetrics(Map.of("loss", 1.0), 0);
                        return logger.version();
                    }));
                }
                Set<String> distinct = new HashSet<>();
                for (Future<String> f : versions) {
                    distinct.add(f.get());
                }
                assertEquals(threads, distinct.size(), "versions " + distinct);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void newColumnsRewriteTheHeaderAndKeepEarlierRows() throws Exception {
        CsvLogger logger = CsvLogger.builder(root).flushLogsEveryNSteps(1).build();
        logger.logMetrics(Map.of("train_loss", 0.5, "epoch", 0.0), 0);
        logger.logMetrics(Map.of("train_loss", 0.25, "epoch", 0.0), 1);
        Path file = logger.logDir().resolve(CsvLogger.METRICS_FILE_NAME);
        assertEquals(List.of("epoch,step,train_loss", "0,0,0.5", "0,1,0.25"), linesOnceWritten(file, 3));

        logger.logMetrics(Map.of("val_acc", 0.875, "epoch", 0.0), 1);
        logger.logMetrics(Map.of("train_loss", 0.125, "epoch", 1.0), 2);
        assertEquals(List.of(
                "epoch,step,train_loss,val_acc",
                "0,0,0.5,",
                "0,1,0.25,",
                "0,1,,0.875",
                "1,2,0.125,"), linesOnceWritten(file, 5));
        logger.finish(RunStatus.SUCCESS);
        assertEquals(5, lines(file).size());
        try (var entries = Files.list(logger.logDir())) {
            assertEquals(List.of(CsvLogger.METRICS_FILE_NAME),
                    entries.map(p -> p.getFileName().toString()).toList(), "no temporary file left behind");
        }
    }

    @Test
    void rowsAreBufferedUntilTheFlushIntervalOrFinish() throws Exception {
        CsvLogger logger = CsvLogger.builder(root).flushLogsEveryNSteps(3).build();
        Path file = logger.logDir().resolve(CsvLogger.METRICS_FILE_NAME);
        logger.logMetrics(Map.of("a", 1.0), 0);
        logger.logMetrics(Map.of("a", 2.0), 1);
        assertFalse(Files.exists(file));
        logger.logMetrics(Map.of("a", 3.0), 2);
        assertEquals(4, linesOnceWritten(file, 4).size());

        logger.logMetrics(Map.of("a", 4.0), 3);
        assertEquals(4, lines(file).size());
        logger.finish(RunStatus.SUCCESS);
        assertEquals(List.of("a,step", "1.0,0", "2.0,1", "3.0,2", "4.0,3"), lines(file));
    }

    @Test
    void saveFlushesAndAppends() throws Exception {
        CsvLogger logger = new CsvLogger(root);
        logger.logMetrics(Map.of("a", 1.0), 0);
        logger.save();
        logger.logMetrics(Map.of("a", 2.0), 1);
        logger.save();
        logger.save();
        assertEquals(List.of("a,step", "1.0,0", "2.0,1"),
                lines(logger.logDir().resolve(CsvLogger.METRICS_FILE_NAME)));
    }

    @Test
    void valuesAreWrittenAsPythonWritesFloats() throws Exception {
        CsvLogger logger = new CsvLogger(root);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("a", 1e-5);
        m.put("b", 0.1);
        m.put("c", Double.NaN);
        m.put("d", 123456.0);
        m.put("e", 1e20);
        m.put("f", Double.NEGATIVE_INFINITY);
        m.put("step", 99.0);
        logger.logMetrics(m, 7);
        logger.finish(RunStatus.SUCCESS);
        assertEquals(List.of("a,b,c,d,e,f,step", "1e-05,0.1,nan,123456.0,1e+20,-inf,7"),
                lines(logger.logDir().resolve(CsvLogger.METRICS_FILE_NAME)));
    }

    @Test
    void pythonReprMatchesPython() {
        assertEquals("0.0001", PyRepr.repr(1e-4));
        assertEquals("1.5e-07", PyRepr.repr(1.5e-7));
        assertEquals("1000000000000000.0", PyRepr.repr(1e15));
        assertEquals("1e+16", PyRepr.repr(1e16));
        assertEquals("-2.5", PyRepr.repr(-2.5));
        assertEquals("0.30000000000000004", PyRepr.repr(0.1 + 0.2));
        assertEquals("-0.0", PyRepr.repr(-0.0));
        assertEquals("120.0", PyRepr.repr(120.0));
    }

    @Test
    void hyperparametersAreWrittenAsYaml() throws Exception {
        CsvLogger logger = new CsvLogger(root);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 1e-3);
        params.put("hidden", 128);
        params.put("name", "mnist");
        params.put("optimizer", "Adam: fused");
        params.put("tag", "123");
        params.put("flag", "yes");
        params.put("dropout", 0.5f);
        params.put("tiny", 1e-5);
        params.put("use_bias", true);
        params.put("scheduler", null);
        params.put("layers", List.of(64, 32));
        params.put("nested", Map.of("b", 2, "a", List.of()));
        params.put("empty", "");
        params.put("quote", "it's");
        params.put("multi", "a\nb");
        logger.logHyperparams(params);
        String yaml = Files.readString(logger.logDir().resolve(CsvLogger.HPARAMS_FILE_NAME));
        assertEquals(String.join("\n",
                "dropout: 0.5",
                "empty: ''",
                "flag: 'yes'",
                "hidden: 128",
                "layers:",
                "- 64",
                "- 32",
                "lr: 0.001",
                "multi: \"a\\nb\"",
                "name: mnist",
                "nested:",
                "  a: []",
                "  b: 2",
                "optimizer: 'Adam: fused'",
                "quote: it's",
                "scheduler: null",
                "tag: '123'",
                "tiny: 1.0e-05",
                "use_bias: true",
                ""), yaml);

        logger.logHyperparams(Map.of("hidden", 256, "seed", 7));
        String merged = Files.readString(logger.logDir().resolve(CsvLogger.HPARAMS_FILE_NAME));
        assertTrue(merged.contains("hidden: 256\n"), merged);
        assertTrue(merged.contains("seed: 7\n"), merged);
        assertTrue(merged.contains("name: mnist\n"), merged);
    }

    @Test
    void yamlNestsListsOfMaps() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("items", List.of(Map.of("x", 1, "y", 2), List.of(1, 2)));
        assertEquals("items:\n- x: 1\n  y: 2\n- - 1\n  - 2\n", HparamsYaml.write(root));
        assertEquals("{}\n", HparamsYaml.write(Map.of()));
    }

    @Test
    void explicitVersionReusesItsDirectoryAndReplacesOldMetrics() throws Exception {
        CsvLogger first = CsvLogger.builder(root).name("exp").version(3).build();
        first.logMetrics(Map.of("old", 1.0), 0);
        first.finish(RunStatus.SUCCESS);

        CsvLogger again = CsvLogger.builder(root).name("exp").version(3).build();
        assertEquals("version_3", again.version());
        assertEquals(first.logDir(), again.logDir());
        again.logMetrics(Map.of("new", 2.0), 0);
        again.finish(RunStatus.SUCCESS);
        assertEquals(List.of("new,step", "2.0,0"), lines(again.logDir().resolve(CsvLogger.METRICS_FILE_NAME)));

        CsvLogger named = CsvLogger.builder(root).name("").version("run-a").build();
        assertEquals("run-a", named.version());
        assertEquals(root.resolve("run-a"), named.logDir());
    }

    @Test
    void providerIsDiscoveredAndReadsOptions() {
        ExperimentLoggerProvider provider = ServiceLoader.load(ExperimentLoggerProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("csv"))
                .findFirst().orElseThrow();
        ExperimentLogger logger = provider.create(ProviderContext.of(root).withOptions(provider,
                Map.of("name", "runs", "version", "7", "flush_logs_every_n_steps", "5")));
        assertEquals("runs", logger.name());
        assertEquals("version_7", logger.version());
        assertEquals(root.resolve("runs/version_7"), logger.logDir());
        assertEquals(5, ((CsvLogger) logger).flushLogsEveryNSteps());

        ExperimentLogger defaults = provider.create(ProviderContext.of(root).withOptions(provider, Map.of()));
        assertEquals("version_0", defaults.version());
        assertEquals(root.resolve("fulmen_logs/version_0"), defaults.logDir());

        assertThrows(IllegalArgumentException.class, () -> provider.create(ProviderContext.of(root)
                .withOptions(provider, Map.of("flush_logs_every_n_steps", "0"))));
    }
}
