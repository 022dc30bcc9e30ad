package io.fulmen.runtime;

import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.spi.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Precision state in a checkpoint reaches the precision that saved it; no other precision silently drops it. */
class PrecisionStateResumeTest {
    @TempDir
    Path root;

    /** A plugin's precision with a loss scale, as a mixed-precision plugin keeps one. */
    static final class ScaledPrecision implements Precision {
        final Map<String, Object> loaded = new HashMap<>();

        @Override
        public String name() {
            return "acme-amp";
        }

        @Override
        public Map<String, Object> stateDict() {
            return Map.of("scale", 1024.0);
        }

        @Override
        public void loadStateDict(Map<String, Object> state) {
            loaded.putAll(state);
        }
    }

    private Path fitAndSave() {
        Path file = root.resolve("amp.ckpt");
        Callback saveAtEnd = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView t, LightningModule m, ai.djl.ndarray.NDArray loss, Batch b,
                                        int batchIdx) {
                if (batchIdx == 1) {
                    t.saveCheckpoint(file, false);
                }
            }
        };
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).precision(new ScaledPrecision())
                .maxEpochs(1).callbacks(saveAtEnd).build()) {
            t.fit(m, BundleFixtures.loader());
        }
        return file;
    }

    @Test
    void resumingWithoutThePrecisionThatSavedTheStateFailsNamingItAndTheFix() {
        Path file = fitAndSave();
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(1).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> t.fit(m, BundleFixtures.loader(), CkptPath.of(file)));
            assertTrue(e.getMessage().contains("precision 'acme-amp'") && e.getMessage().contains("[scale]")
                    && e.getMessage().contains("precision(\"acme-amp\")")
                    && e.getMessage().contains("plugin"), e.getMessage());
        }
    }

    @Test
    void resumingWithThePrecisionThatSavedItRestoresItsState() {
        Path file = fitAndSave();
        ScaledPrecision precision = new ScaledPrecision();
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).precision(precision).maxEpochs(1)
                .build()) {
            t.fit(m, BundleFixtures.loader(), CkptPath.of(file));
        }
        assertEquals(Map.of("scale", 1024.0), precision.loaded);
    }
}
