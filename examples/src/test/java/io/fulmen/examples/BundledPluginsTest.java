package io.fulmen.examples;

import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.AcceleratorProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundles the build wrote into the top-level {@code plugins/} folder, used by name with their classpath
 * copies hidden: the CPU accelerator and the TensorBoard logger (which carries its own protobuf-java) load in
 * PF4J's per-bundle class loaders and a real fit runs through them.
 */
class BundledPluginsTest {
    @TempDir
    Path root;

    /** The test class loader with the plugins' own service registrations hidden. */
    static ClassLoader withoutPluginJars() {
        return hiding("plugin-accelerator-cpu", "plugin-logger-tensorboard", "example-plugin-jsonl");
    }

    /** The test class loader with the service registrations of the named modules hidden. */
    static ClassLoader hiding(String... modules) {
        ClassLoader parent = BundledPluginsTest.class.getClassLoader();
        return new ClassLoader(parent) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                List<URL> kept = new ArrayList<>();
                for (URL url : Collections.list(parent.getResources(name))) {
                    String u = url.toString();
                    if (java.util.Arrays.stream(modules).noneMatch(u::contains)) {
                        kept.add(url);
                    }
                }
                return Collections.enumeration(kept);
            }
        };
    }

    private Path copyBuiltBundles() throws IOException {
        Path built = Path.of("..", "plugins").toAbsolutePath().normalize();
        Path plugins = root.resolve("plugins");
        Files.createDirectories(plugins);
        try (Stream<Path> zips = Files.list(built)) {
            for (Path zip : (Iterable<Path>) zips.filter(p -> p.toString().endsWith(".zip"))::iterator) {
                Files.copy(zip, plugins.resolve(zip.getFileName()));
            }
        }
        assertTrue(Files.exists(plugins.resolve("fulmen-plugin-accelerator-cpu.zip")),
                "the reactor build writes the bundles to " + built + " (run ./test from the repository root)");
        return plugins;
    }

    @Test
    void theBuiltBundlesWorkByNameFromAPluginsFolder() throws IOException {
        Path plugins = copyBuiltBundles();
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).limitSamples(1000).build();
        try (PluginRegistry registry = PluginRegistry.discover(withoutPluginJars(), plugins)) {
            assertEquals(List.of(), registry.failures());
            assertTrue(registry.providers(AcceleratorProvider.class).resolve("cpu").getClass().getClassLoader()
                    instanceof org.pf4j.PluginClassLoader);
            try (var model = new LitClassifier(16, 1e-3f); var trainer = Trainer.builder().plugins(registry)
                    .accelerator("cpu").logger("tensorboard").defaultRootDir(root).maxEpochs(1).logEveryNSteps(2)
                    .enableProgressBar(false).enableModelSummary(false).enableCheckpointing(false).build()) {
                Object experiment = trainer.view().loggers().get(0).experiment();
                assertTrue(experiment.getClass().getClassLoader() instanceof org.pf4j.PluginClassLoader,
                        "the TensorBoard writer comes from its bundle: " + experiment.getClass().getClassLoader());
                trainer.fit(model, data);
            }
        }
        try (Stream<Path> files = Files.list(root.resolve("fulmen_logs/version_0"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents.")));
        }
    }

    /** A plugins folder holding the example third-party plugin's bundle, as the reactor built it. */
    private Path exampleBundleFolder() throws IOException {
        Path plugins = root.resolve("plugins");
        Files.createDirectories(plugins);
        Path built = Path.of("..", "example-plugin-jsonl", "target", "example-plugin-jsonl.zip").toAbsolutePath()
                .normalize();
        assertTrue(Files.exists(built), "the reactor build makes " + built);
        Files.copy(built, plugins.resolve(built.getFileName()));
        return plugins;
    }

    @Test
    void theExampleThirdPartyPluginWorksAsABundleByName() throws IOException {
        Path plugins = exampleBundleFolder();
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).limitSamples(640).build();
        try (PluginRegistry registry = PluginRegistry.discover(hiding("example-plugin-jsonl"), plugins)) {
            assertTrue(registry.describe().stream().anyMatch(i -> i.name().equals("jsonl")
                    && i.origin().contains("bundle example-jsonl-logger@0.1.0")), registry.render());
            try (var model = new LitClassifier(16, 1e-3f); var trainer = Trainer.builder().plugins(registry)
                    .logger("jsonl").defaultRootDir(root).maxEpochs(1).logEveryNSteps(1).enableProgressBar(false)
                    .enableModelSummary(false).enableCheckpointing(false).build()) {
                trainer.fit(model, data);
            }
        }
        List<String> lines = Files.readAllLines(root.resolve("jsonl/metrics.jsonl"));
        assertTrue(lines.get(0).startsWith("{\"hparams\": {\"hidden\": 16"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"step\": 0, \"metrics\": {") && l.contains("train_loss")),
                String.join("\n", lines));
        assertEquals("{\"status\": \"success\"}", lines.get(lines.size() - 1));
    }

    @Test
    void theExampleBundlesCallbackResolvesByNameFromThePluginsFolder() throws IOException {
        Path plugins = exampleBundleFolder();
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).limitSamples(640).build();
        try (PluginRegistry registry = PluginRegistry.discover(hiding("example-plugin-jsonl"), plugins)) {
            assertTrue(registry.describe().stream().anyMatch(i -> i.spi().equals("callback")
                    && i.name().equals("jsonl_epochs") && i.origin().contains("bundle example-jsonl-logger@0.1.0")),
                    registry.render());
            try (var model = new LitClassifier(16, 1e-3f); var trainer = Trainer.builder().plugins(registry)
                    .logger(false).callbacks("jsonl_epochs").option("jsonl_epochs.file", "epochs/lines.jsonl")
                    .defaultRootDir(root).maxEpochs(2).enableProgressBar(false).enableModelSummary(false)
                    .enableCheckpointing(false).build()) {
                ClassLoader loader = registry.providers(io.fulmen.spi.CallbackProvider.class).resolve("jsonl_epochs")
                        .getClass().getClassLoader();
                assertTrue(loader instanceof org.pf4j.PluginClassLoader, "the callback comes from its bundle: "
                        + loader);
                trainer.fit(model, data);
            }
        }
        List<String> lines = Files.readAllLines(root.resolve("epochs/lines.jsonl"));
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("{\"epoch\": 1, ") && lines.get(1).contains("\"val_loss\": "),
                lines.get(1));
    }
}
