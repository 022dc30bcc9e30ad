package io.fulmen.tensorflow;

import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.spi.EngineProvider;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built bundle in a plugins folder, with TensorFlow's jars off the application's class path: DJL's TensorFlow
 * engine, TensorFlow Java and the natives all come from the bundle, and a module trained on PyTorch is tested there.
 */
class TensorFlowBundleIT {
    @TempDir
    Path root;

    /** The test class loader without this module's own services registration. */
    private static ClassLoader withoutThisPlugin() {
        ClassLoader parent = TensorFlowBundleIT.class.getClassLoader();
        return new ClassLoader(parent) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                List<URL> kept = new ArrayList<>();
                for (URL url : Collections.list(parent.getResources(name))) {
                    if (!url.toString().contains("plugin-engine-tensorflow")) {
                        kept.add(url);
                    }
                }
                return Collections.enumeration(kept);
            }
        };
    }

    @Test
    void theBundleTestsAModuleTrainedOnPyTorch() throws Exception {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.djl.tensorflow.engine.TfEngine"),
                "TensorFlow is not on the application's class path");
        Path plugins = Files.createDirectories(root.resolve("plugins"));
        Path zip = Path.of(System.getProperty("fulmen.bundle"));
        Files.copy(zip, plugins.resolve(zip.getFileName()));

        MlpClassifier module = new MlpClassifier();
        Map<String, Double> onPyTorch;
        try (PluginRegistry registry = PluginRegistry.discover(withoutThisPlugin(), plugins)) {
            assertEquals(List.of(), registry.failures());
            EngineProvider provider = registry.providers(EngineProvider.class).resolve("TensorFlow");
            assertTrue(provider.getClass().getClassLoader() instanceof org.pf4j.PluginClassLoader,
                    "the provider comes from the bundle: " + provider.getClass().getClassLoader());
            try (Trainer pt = quiet(Trainer.builder().plugins(registry)).maxEpochs(2).build()) {
                pt.fit(module, MlpClassifier.blobs(512, 1, 32));
                onPyTorch = pt.test(module, MlpClassifier.blobs(256, 2, 64)).get(0);
            }
            try (Trainer tf = quiet(Trainer.builder().plugins(registry)).engine("TensorFlow").build()) {
                Map<String, Double> onTensorFlow = tf.test(module, MlpClassifier.blobs(256, 2, 64)).get(0);
                assertEquals(onPyTorch.get("test_acc"), onTensorFlow.get("test_acc"), 1e-4);
                assertEquals(onPyTorch.get("test_loss"), onTensorFlow.get("test_loss"), 1e-4);
            }
        }
    }

    private TrainerBuilder quiet(TrainerBuilder b) {
        return b.defaultRootDir(root).logger(false).enableProgressBar(false).enableModelSummary(false)
                .enableCheckpointing(false).seed(3);
    }
}
