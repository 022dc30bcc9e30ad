package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.dataset.Batch;
import io.fulmen.data.DataLoader;
import io.fulmen.nn.Losses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** overfit_batches, reload_dataloaders_every_n_epochs and inference_mode on real fits. */
class DataArgumentsTest {
    @TempDir
    Path root;

    /** Records which samples (labels are sample ids) each step saw, and how often the data hooks were asked. */
    static final class Recorder extends Fixtures.Classifier {
        final List<String> train = new ArrayList<>();
        final List<String> val = new ArrayList<>();
        final List<Boolean> gradInEvaluation = new ArrayList<>();
        int trainHookCalls;
        int valHookCalls;

        @Override
        public DataLoader trainDataloader() {
            trainHookCalls++;
            return DataLoader.of(SeveralDataloadersTest.ids(0, 12, 3).source()).batchSize(3).shuffle(true).build();
        }

        @Override
        public DataLoader valDataloader() {
            valHookCalls++;
            return DataLoader.of(SeveralDataloadersTest.ids(100, 8, 2).source()).batchSize(2).shuffle(true).build();
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            train.add(ids(batch));
            return Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head().mod(4));
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            val.add(ids(batch));
            gradInEvaluation.add(JniUtils.isGradMode());
            log("val_loss", Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head().mod(4)));
        }

        private static String ids(Batch b) {
            return java.util.Arrays.toString(b.getLabels().head().toLongArray());
        }
    }

    @Test
    void overfitBatchesTrainsAndValidatesOnTheSameFirstBatchesWithoutShuffling() {
        try (Recorder module = new Recorder();
             Trainer trainer = Fixtures.quietTrainer(root).maxEpochs(2).numSanityValSteps(0).overfitBatches(2)
                     .build()) {
            trainer.fit(module);
            assertEquals(List.of("[0, 1, 2]", "[3, 4, 5]", "[0, 1, 2]", "[3, 4, 5]"), module.train);
            // limit_val_batches is overfit_batches too, on the validation loader unshuffled (Lightning 2.x).
            assertEquals(List.of("[100, 101]", "[102, 103]", "[100, 101]", "[102, 103]"), module.val);
            assertEquals(2, trainer.view().numTrainingBatches());
            assertEquals(2, trainer.view().numValBatches());
        }
    }

    @Test
    void overfitBatchesTakesAFraction() {
        try (Recorder module = new Recorder();
             Trainer trainer = Fixtures.quietTrainer(root).maxEpochs(1).numSanityValSteps(0).overfitBatches(0.25)
                     .build()) {
            trainer.fit(module);
            assertEquals(List.of("[0, 1, 2]"), module.train);
            assertEquals(List.of("[100, 101]"), module.val);
        }
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().overfitBatches(1.5));
    }

    @Test
    void reloadDataloadersEveryNEpochsAsksTheHooksAgain() {
        try (Recorder module = new Recorder();
             Trainer trainer = Fixtures.quietTrainer(root).maxEpochs(4).reloadDataloadersEveryNEpochs(2).build()) {
            trainer.fit(module);
            // Epochs 0 and 2 load the training data; validation loads at the sanity check (epoch 0) and epoch 2.
            assertEquals(2, module.trainHookCalls);
            assertEquals(2, module.valHookCalls);
            assertEquals(16, module.train.size());
        }
        try (Recorder module = new Recorder();
             Trainer trainer = Fixtures.quietTrainer(root).maxEpochs(3).build()) {
            trainer.fit(module);
            assertEquals(1, module.trainHookCalls);
            assertEquals(1, module.valHookCalls);
        }
    }

    @Test
    void evaluationRecordsNoGradientsInEitherInferenceMode() {
        for (boolean mode : new boolean[] {true, false}) {
            try (Recorder module = new Recorder();
                 Trainer trainer = Fixtures.quietTrainer(root).maxEpochs(1).inferenceMode(mode).build()) {
                trainer.fit(module);
                trainer.validate(module);
                assertEquals(mode, trainer.dataSettings().inferenceMode());
                assertFalse(module.gradInEvaluation.isEmpty());
                assertTrue(module.gradInEvaluation.stream().noneMatch(g -> g), module.gradInEvaluation.toString());
            }
        }
    }
}
