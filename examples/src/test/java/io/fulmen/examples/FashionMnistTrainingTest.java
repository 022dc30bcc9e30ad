package io.fulmen.examples;

import ai.djl.ndarray.NDArray;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitAutoEncoder;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeds' examples trained for real. With Debian's dataset-fashion-mnist installed (CI installs it), the
 * classifier trains 2 epochs on the full 55k split and must reach Lightning's 0.84 test accuracy; with only the
 * shipped 6k subset it trains 3 epochs and must reach 0.75.
 */
class FashionMnistTrainingTest {
    @TempDir
    Path root;

    private static boolean fullData() {
        return Files.exists(FashionMnistDataModule.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"));
    }

    @Test
    void classifierReachesLightningsAccuracy() {
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).build();
        boolean full = fullData();
        try (var model = new LitClassifier(128, 1e-3f); var trainer = Trainer.builder().defaultRootDir(root)
                .maxEpochs(full ? 2 : 3).seed(1).logger("csv").enableProgressBar(false).enableModelSummary(false)
                .build()) {
            trainer.fit(model, data);
            Map<String, Double> test = trainer.test(model, data).get(0);
            double required = full ? 0.84 : 0.75;
            assertTrue(test.get("test_acc") >= required, data.source().describe() + ": test " + test);
            assertTrue(Files.exists(root.resolve("fulmen_logs/version_0/metrics.csv")));
        }
    }

    @Test
    void tensorBoardIsTheDefaultLoggerWhenItsPluginIsPresent() throws Exception {
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).limitSamples(2000).build();
        try (var model = new LitClassifier(32, 1e-3f); var trainer = Trainer.builder().defaultRootDir(root)
                .maxEpochs(1).logEveryNSteps(5).enableProgressBar(false).enableModelSummary(false)
                .enableCheckpointing(false).build()) {
            assertEquals("TensorBoardLogger", trainer.view().loggers().get(0).getClass().getSimpleName());
            trainer.fit(model, data);
        }
        Path version = root.resolve("fulmen_logs/version_0");
        try (var files = Files.list(version)) {
            List<Path> events = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                    .toList();
            assertEquals(1, events.size(), "event files in " + version);
            assertTrue(Files.size(events.get(0)) > 500, "events written: " + Files.size(events.get(0)));
        }
        assertTrue(Files.readString(version.resolve("hparams.yaml")).contains("hidden: 32"));
    }

    @Test
    void autoencoderLearnsAndPredictsEmbeddings() {
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).limitSamples(4000).build();
        try (var model = new LitAutoEncoder(); var trainer = Trainer.builder().defaultRootDir(root).maxEpochs(2)
                .seed(1).logger(false).enableProgressBar(false).enableModelSummary(false).build()) {
            double before = trainer.validate(model, data).get(0).get("val_loss");
            trainer.fit(model, data);
            double after = trainer.view().callbackMetrics().get("val_loss");
            assertTrue(after < before * 0.8, "val_loss before " + before + ", after " + after);
            List<Object> predictions = trainer.predict(model, data);
            NDArray first = (NDArray) predictions.get(0);
            assertEquals(3, first.getShape().get(1));
        }
    }
}
