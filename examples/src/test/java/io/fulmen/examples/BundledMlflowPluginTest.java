package io.fulmen.examples;

import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.mlflow.MlflowTestServer;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.ExperimentLogger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MLflow logger's bundle from the top-level {@code plugins/} folder, with its classpath copy hidden: found by
 * name, its private libraries (mlflow-client with its shaded protobuf, gson) load from the bundle and not from the
 * host, and a real fit reaches a real MLflow REST server.
 */
class BundledMlflowPluginTest {
    @TempDir
    Path root;

    @Test
    void theMlflowBundleLogsAFitWithItsOwnLibraries() throws Exception {
        Path bundle = Path.of("..", "plugins", "fulmen-plugin-logger-mlflow.zip").toAbsolutePath().normalize();
        assertTrue(Files.exists(bundle), "the reactor build makes " + bundle + " (run ./test from the repository root)");
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            List<String> libs = zip.stream().map(e -> e.getName()).filter(n -> n.startsWith("lib/")).toList();
            assertTrue(libs.stream().anyMatch(n -> n.contains("mlflow-client-2.17.2")), libs.toString());
            assertFalse(libs.stream().anyMatch(n -> n.contains("slf4j") || n.contains("fulmen-api")),
                    "the application provides slf4j and the api: " + libs);
        }
        Path plugins = Files.createDirectories(root.resolve("plugins"));
        Files.copy(bundle, plugins.resolve(bundle.getFileName()));
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).limitSamples(640).build();
        ExperimentLogger logger;
        long steps;
        try (MlflowTestServer server = MlflowTestServer.start();
             PluginRegistry registry = PluginRegistry.discover(BundledPluginsTest.hiding("plugin-logger-mlflow"), plugins)) {
            assertEquals(List.of(), registry.failures());
            assertTrue(registry.describe().stream().anyMatch(i -> i.name().equals("mlflow")
                    && i.origin().contains("bundle fulmen-logger-mlflow")), registry.render());
            try (var model = new LitClassifier(16, 1e-3f); var trainer = Trainer.builder().plugins(registry)
                    .logger("mlflow").option("mlflow.tracking_uri", server.uri())
                    .option("mlflow.experiment_name", "bundled")
                    .defaultRootDir(root).maxEpochs(1).logEveryNSteps(1).enableProgressBar(false)
                    .enableModelSummary(false).enableCheckpointing(false).build()) {
                logger = trainer.view().loggers().get(0);
                ClassLoader pluginLoader = logger.experiment().getClass().getClassLoader();
                assertTrue(pluginLoader instanceof org.pf4j.PluginClassLoader, pluginLoader.toString());
                Object client = logger.experiment();
                assertEquals("org.mlflow.tracking.MlflowClient", client.getClass().getName());
                assertTrue(client.getClass().getClassLoader() instanceof org.pf4j.PluginClassLoader,
                        "mlflow-client comes from the bundle");
                assertNotSame(Service.class, pluginLoader.loadClass(Service.class.getName()),
                        "the bundle's MLflow protobuf classes are its own");
                Class<?> gson = pluginLoader.loadClass("com.google.gson.Gson");
                assertNotSame(com.google.gson.Gson.class, gson, "the bundle's gson is private");
                trainer.fit(model, data);
                steps = trainer.view().globalStep();
            }
            assertEquals(1, server.runs().size());
            MlflowTestServer.RunRecord run = server.runs().get(0);
            assertEquals(List.of(Service.RunStatus.FINISHED), run.statusHistory());
            assertEquals("16", run.params().get("hidden"));
            assertTrue(steps > 0);
            assertEquals(steps, run.metrics("train_loss").size());
            assertEquals(run.info().getRunId(), logger.version(), "once the run exists, its id is the version");
        }
    }
}
