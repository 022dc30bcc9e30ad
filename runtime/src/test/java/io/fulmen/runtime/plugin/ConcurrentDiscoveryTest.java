package io.fulmen.runtime.plugin;

import io.fulmen.spi.ExperimentLoggerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.fulmen.runtime.plugin.TestBundles.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Many Trainers discovering one plugins folder at once, on a fresh folder and after its zips were updated. */
class ConcurrentDiscoveryTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 50;

    @TempDir
    Path root;

    @Test
    void eightThreadsTimesFiftyDiscoveriesGiveNoWrongOutcome() throws Exception {
        Path plugins = root.resolve("plugins");
        for (String version : List.of("0.1.0", "0.2.0")) {
            for (String id : List.of("alpha", "beta", "gamma")) {
                TestBundles.zip(plugins, id, properties(id, version),
                        TestBundles.loggerJar(root, id, id, id + " " + version, 0));
            }
            List<String> wrong = discoverConcurrently(plugins, version);
            assertEquals(List.of(), wrong, wrong.size() + " wrong outcomes of " + THREADS * ROUNDS
                    + " with version " + version);
        }
    }

    private List<String> discoverConcurrently(Path plugins, String version) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<List<String>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                results.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        try (PluginRegistry r = PluginRegistry.discover(getClass().getClassLoader(), plugins)) {
                            if (!r.failures().isEmpty()) {
                                wrong.add("failures: " + r.failures());
                            }
                            for (String id : List.of("alpha", "beta", "gamma")) {
                                String seen = r.providers(ExperimentLoggerProvider.class).find(id)
                                        .map(ExperimentLoggerProvider::description).orElse("missing");
                                if (!seen.equals(id + " " + version)) {
                                    wrong.add(id + ": " + seen);
                                }
                            }
                        } catch (RuntimeException | Error e) {
                            wrong.add(e.toString());
                        }
                    }
                    return wrong;
                }));
            }
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> f : results) {
                wrong.addAll(f.get());
            }
            System.out.printf("%d x %d discoveries of version %s: %d wrong, %d ms%n", THREADS, ROUNDS, version,
                    wrong.size(), (System.nanoTime() - start) / 1_000_000);
            return wrong;
        } finally {
            pool.shutdownNow();
        }
    }
}
