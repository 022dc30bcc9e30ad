package io.fulmen.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FitSmokeTest {
    @TempDir
    Path root;

    @Test
    void fitValidateTestPredictLearnsTheProblem() {
        var train = Fixtures.blobs(2048, 8, 1);
        var val = Fixtures.blobs(512, 8, 2);
        try (var model = new Fixtures.Classifier(); var trainer = Fixtures.quietTrainer(root).maxEpochs(3).build()) {
            trainer.fit(model, Fixtures.loader(train, 32, true), Fixtures.loader(val, 128, false));
            assertEquals(3, trainer.view().currentEpoch());
            assertEquals(3 * 64, trainer.view().globalStep());
            Map<String, Double> m = trainer.view().callbackMetrics();
            assertTrue(m.get("val_acc") > 0.8, "val_acc " + m);
            List<Map<String, Double>> test = trainer.test(model, Fixtures.loader(val, 128, false));
            assertTrue(test.get(0).get("test_acc") > 0.8, "test " + test);
            List<Object> preds = trainer.predict(model, Fixtures.loader(val, 128, false));
            assertEquals(4, preds.size());
        }
    }
}
