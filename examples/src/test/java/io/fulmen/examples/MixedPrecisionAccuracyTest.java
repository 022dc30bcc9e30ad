package io.fulmen.examples;

import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Fashion-MNIST MLP under {@code 16-mixed} reaches the test accuracy of {@code 32-true} (within 1 point) at the
 * same seed and epochs, and the quickstart's {@code --precision} takes every value Lightning accepts.
 */
class MixedPrecisionAccuracyTest {
    @TempDir
    Path root;

    private double testAccuracy(String precision, FashionMnistDataModule data) {
        long start = System.nanoTime();
        try (var model = new LitClassifier(128, 1e-3f); var trainer = Trainer.builder()
                .defaultRootDir(root.resolve(precision)).precision(precision).maxEpochs(2).seed(1).logger(false).limitValBatches(0)
                .enableCheckpointing(false).enableProgressBar(false).enableModelSummary(false).build()) {
            trainer.fit(model, data);
            long steps = trainer.view().globalStep();
            double fitSeconds = (System.nanoTime() - start) / 1e9;
            Map<String, Double> test = trainer.test(model, data).get(0);
            System.out.printf("precision %s: test_acc %.4f, %d steps, fit %.1f s (%.1f ms/step incl. validation)%n",
                    precision, test.get("test_acc"), steps, fitSeconds, fitSeconds * 1000 / steps);
            return test.get("test_acc");
        }
    }

    @Test
    void sixteenMixedIsWithinOnePointOfFloat32() {
        FashionMnistDataModule data = FashionMnistDataModule.builder().batchSize(64).limitSamples(2000).build();
        double full = testAccuracy("32-true", data);
        double mixed = testAccuracy("16-mixed", data);
        assertTrue(full > 0.7, "32-true learns: " + full);
        assertEquals(full, mixed, 0.01, "16-mixed against 32-true");
    }

    /** Every value reaches the Trainer through {@code --precision}; one real run under the {@code 16} alias. */
    @Test
    void theQuickstartTakesEveryPrecision() {
        for (String precision : List.of("32-true", "32", "64-true", "64", "16-true", "16-mixed", "16")) {
            Quickstart.Options o = Quickstart.Options.parse(new String[] {"--precision", precision});
            try (Trainer t = Trainer.builder().defaultRootDir(root).logger(false).precision(o.precision).build()) {
                assertEquals(precision.contains("-") ? precision : Map.of("32", "32-true", "64", "64-true", "16",
                        "16-mixed").get(precision), t.precision().name());
            }
        }
        assertEquals(0, Quickstart.run(new String[] {"--precision", "16", "--root-dir", root.toString(),
                "--logger", "none", "--epochs", "1", "--limit-train-batches", "2", "--seed", "1"}));
        for (String precision : List.of("bf16-mixed", "bf16", "bf16-true")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quickstart.run(
                    new String[] {"--precision", precision, "--root-dir", root.toString(), "--logger", "none"}));
            assertTrue(e.getMessage().contains("bfloat16") && e.getMessage().contains("16-mixed"), e.getMessage());
        }
    }
}
