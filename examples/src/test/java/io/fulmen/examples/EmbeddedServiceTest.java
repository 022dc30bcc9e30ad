package io.fulmen.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.loop.TrainingCancelledException;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.AcceleratorProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fulmen embedded in a small HTTP service (the JDK's HttpServer on 127.0.0.1): concurrent training jobs started and
 * cancelled over HTTP, each with its own Trainer, plugins loaded from a bundles folder; closing the service's plugin
 * registry leaves no plugin class loader reachable.
 */
class EmbeddedServiceTest {
    @TempDir
    Path root;

    /** The service: POST /jobs starts a fit, POST /jobs/{id}/cancel cancels it, GET /jobs/{id} reports it. */
    static final class TrainingService implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService pool = Executors.newFixedThreadPool(3);
        private final Map<Integer, Trainer> trainers = new ConcurrentHashMap<>();
        private final Map<Integer, String> status = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final PluginRegistry plugins;
        private final Path root;

        TrainingService(PluginRegistry plugins, Path root) throws IOException {
            this.plugins = plugins;
            this.root = root;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/jobs", this::handle);
            server.start();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        }

        private void handle(HttpExchange ex) throws IOException {
            String[] parts = ex.getRequestURI().getPath().split("/");
            String reply;
            int code = 200;
            if (ex.getRequestMethod().equals("POST") && parts.length == 2) {
                int id = ids.incrementAndGet();
                Trainer trainer = Trainer.builder().plugins(plugins).accelerator("cpu").logger("csv")
                        .defaultRootDir(root.resolve("job" + id)).maxEpochs(2).seed(id).enableProgressBar(false)
                        .enableModelSummary(false).enableCheckpointing(false).build();
                trainers.put(id, trainer);
                status.put(id, "running");
                pool.submit(() -> run(id, trainer));
                reply = Integer.toString(id);
            } else if (ex.getRequestMethod().equals("POST") && parts.length == 4 && parts[3].equals("cancel")) {
                trainers.get(Integer.parseInt(parts[2])).cancel();
                reply = "cancelling";
            } else if (ex.getRequestMethod().equals("GET") && parts.length == 3) {
                reply = status.getOrDefault(Integer.parseInt(parts[2]), "unknown");
            } else {
                code = 404;
                reply = "no such route";
            }
            byte[] body = reply.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        }

        private void run(int id, Trainer trainer) {
            FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).limitSamples(2000).build();
            try (trainer; var model = new LitClassifier(32, 1e-3f)) {
                trainer.fit(model, data);
                double acc = trainer.test(model, data).get(0).get("test_acc");
                status.put(id, "done test_acc=" + acc);
            } catch (TrainingCancelledException e) {
                status.put(id, "cancelled");
            } catch (RuntimeException e) {
                status.put(id, "failed " + e);
            } finally {
                trainers.remove(id);
            }
        }

        @Override
        public void close() throws InterruptedException {
            server.stop(0);
            pool.shutdown();
            assertTrue(pool.awaitTermination(120, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    private static String send(HttpClient client, HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static WeakReference<ClassLoader> runService(Path root, Path plugins) throws Exception {
        PluginRegistry registry = PluginRegistry.discover(BundledPluginsTestAccess.withoutPluginJars(), plugins);
        WeakReference<ClassLoader> bundleLoader = new WeakReference<>(
                registry.providers(AcceleratorProvider.class).resolve("cpu").getClass().getClassLoader());
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (TrainingService service = new TrainingService(registry, root)) {
            String[] ids = new String[3];
            for (int i = 0; i < 3; i++) {
                ids[i] = send(client, HttpRequest.newBuilder(service.uri("/jobs"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build());
            }
            send(client, HttpRequest.newBuilder(service.uri("/jobs/" + ids[1] + "/cancel"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            String[] states = new String[3];
            do {
                Thread.sleep(200);
                for (int i = 0; i < 3; i++) {
                    states[i] = send(client, HttpRequest.newBuilder(service.uri("/jobs/" + ids[i])).GET().build());
                }
            } while (Stream.of(states).anyMatch("running"::equals) && System.nanoTime() < deadline);
            assertTrue(states[0].startsWith("done test_acc="), states[0]);
            assertEquals("cancelled", states[1]);
            assertTrue(states[2].startsWith("done test_acc="), states[2]);
            for (int i : new int[] {0, 2}) {
                double acc = Double.parseDouble(states[i].substring("done test_acc=".length()));
                assertTrue(acc > 0.5, "job " + ids[i] + " " + states[i]);
            }
        } finally {
            registry.close();
        }
        return bundleLoader;
    }

    @Test
    void concurrentJobsOneCancelledAndNoPluginClassLoaderLeftAfterClose() throws Exception {
        Path plugins = root.resolve("plugins");
        Files.createDirectories(plugins);
        Files.copy(Path.of("..", "plugins", "fulmen-plugin-accelerator-cpu.zip").toAbsolutePath().normalize(),
                plugins.resolve("fulmen-plugin-accelerator-cpu.zip"));
        WeakReference<ClassLoader> bundleLoader = runService(root, plugins);
        for (int i = 0; i < 50 && bundleLoader.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertNull(bundleLoader.get(), "the CPU bundle's class loader is still reachable after close");
    }
}
