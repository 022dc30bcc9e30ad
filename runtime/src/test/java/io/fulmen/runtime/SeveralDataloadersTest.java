package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.BatchStream;
import io.fulmen.data.CombinedBatch;
import io.fulmen.data.CombinedLoader;
import io.fulmen.data.CombinedStream;
import io.fulmen.data.DataLoader;
import io.fulmen.data.DataSource;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several validation/test/predict loaders and combined training loaders, checked against Lightning's rules. */
class SeveralDataloadersTest {
    @TempDir
    Path root;

    /** A classifier whose evaluation steps take the loader index and record what they saw. */
    static final class MultiEval extends Fixtures.Classifier {
        final List<String> steps = new ArrayList<>();

        @Override
        public void validationStep(Batch batch, int batchIdx, int dataloaderIdx) {
            steps.add("val " + dataloaderIdx + ":" + batchIdx);
            NDArray logits = forward(batch.getData()).head();
            log("val_loss", Losses.crossEntropy(logits, batch.getLabels().head()));
            if (dataloaderIdx == 1) {
                log("only_second", 1.0, LogOptions.defaults().withAddDataloaderIdx(false));
            }
        }

        @Override
        public void testStep(Batch batch, int batchIdx, int dataloaderIdx) {
            steps.add("test " + dataloaderIdx + ":" + batchIdx);
            NDArray logits = forward(batch.getData()).head();
            log("test_loss", Losses.crossEntropy(logits, batch.getLabels().head()));
        }

        @Override
        public void onValidationEpochEnd() {
            log("epoch_end_value", 3.0);
        }
    }

    /** Records the loader index the batch hooks get. */
    static final class IndexRecorder implements Callback {
        final List<String> seen = new ArrayList<>();

        @Override
        public void onValidationBatchStart(TrainerView t, LightningModule m, Batch b, int batchIdx, int dl) {
            seen.add("val " + dl + ":" + batchIdx);
        }

        @Override
        public void onTestBatchEnd(TrainerView t, LightningModule m, Batch b, int batchIdx, int dl) {
            seen.add("test " + dl + ":" + batchIdx);
        }

        @Override
        public void onPredictBatchEnd(TrainerView t, LightningModule m, Object p, Batch b, int batchIdx, int dl) {
            seen.add("predict " + dl + ":" + batchIdx);
        }
    }

    @Test
    void validateOnTwoLoadersSuffixesNamesAndReturnsAMapPerLoader() {
        DataLoader a = Fixtures.loader(Fixtures.blobs(24, 6, 1), 8, false);
        DataLoader b = Fixtures.loader(Fixtures.blobs(10, 6, 2), 5, false);
        IndexRecorder recorder = new IndexRecorder();
        try (MultiEval module = new MultiEval();
             Trainer trainer = Fixtures.quietTrainer(root).callbacks(recorder).build()) {
            List<Map<String, Double>> results = trainer.validate(module, List.of(a, b));
            assertEquals(2, results.size());
            assertEquals(List.of("val 0:0", "val 0:1", "val 0:2", "val 1:0", "val 1:1"), module.steps);
            assertEquals(module.steps, recorder.seen);
            // Lightning's _filter_metrics_for_dataloader: the loader's own names and every name without a suffix.
            assertEquals(List.of("val_loss/dataloader_idx_0", "only_second", "epoch_end_value"),
                    List.copyOf(results.get(0).keySet()));
            assertEquals(List.of("val_loss/dataloader_idx_1", "only_second", "epoch_end_value"),
                    List.copyOf(results.get(1).keySet()));
            assertTrue(trainer.view().callbackMetrics().containsKey("val_loss/dataloader_idx_1"));

            // Each loader's value is what validating on that loader alone gives (unsuffixed with one loader).
            double alone0 = trainer.validate(module, a).get(0).get("val_loss");
            double alone1 = trainer.validate(module, b).get(0).get("val_loss");
            assertEquals(alone0, results.get(0).get("val_loss/dataloader_idx_0"), 1e-6);
            assertEquals(alone1, results.get(1).get("val_loss/dataloader_idx_1"), 1e-6);
            assertEquals(3.0, results.get(0).get("epoch_end_value"));
        }
    }

    @Test
    void testAndPredictTakeSeveralLoaders() {
        DataLoader a = Fixtures.loader(Fixtures.blobs(12, 6, 1), 4, false);
        DataLoader b = Fixtures.loader(Fixtures.blobs(6, 6, 2), 4, false);
        IndexRecorder recorder = new IndexRecorder();
        try (MultiEval module = new MultiEval();
             Trainer trainer = Fixtures.quietTrainer(root).callbacks(recorder).limitTestBatches(2).build()) {
            List<Map<String, Double>> results = trainer.test(module, List.of(a, b));
            // limit_test_batches applies to each loader, as in Lightning.
            assertEquals(List.of("test 0:0", "test 0:1", "test 1:0", "test 1:1"), recorder.seen);
            assertTrue(results.get(0).containsKey("test_loss/dataloader_idx_0"), results.toString());
            assertFalse(results.get(0).containsKey("test_loss/dataloader_idx_1"), results.toString());
            recorder.seen.clear();
            try (Predictions<Object> p = trainer.predict(module, List.of(a, b))) {
                assertEquals(2, p.numDataloaders());
                assertEquals(3, p.ofDataloader(0).size());
                assertEquals(2, p.ofDataloader(1).size());
                assertEquals(5, p.size());
                assertEquals(new Shape(2, 4), ((ai.djl.ndarray.NDList) p.ofDataloader(1).get(1)).head().getShape());
            }
            assertEquals(List.of("predict 0:0", "predict 0:1", "predict 0:2", "predict 1:0", "predict 1:1"),
                    recorder.seen);
        }
    }

    @Test
    void severalLoadersNeedTheStepThatTakesTheIndex() {
        DataLoader a = Fixtures.loader(Fixtures.blobs(8, 6, 1), 4, false);
        try (Fixtures.Classifier module = new Fixtures.Classifier();
             Trainer trainer = Fixtures.quietTrainer(root).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> trainer.validate(module, List.of(a, a)));
            assertTrue(e.getMessage().contains("got 2 validation loaders but overrides only validationStep(Batch, "
                    + "int): override validationStep(Batch, int, int dataloaderIdx)"), e.getMessage());
        }
    }

    /** Overrides only the evaluation step that takes the loader index. */
    static final class OnlyIndexedStep extends LightningModule {
        final ai.djl.nn.Block net = ai.djl.nn.core.Linear.builder().setUnits(4).build();
        final List<String> steps = new ArrayList<>();

        @Override
        public ai.djl.nn.Block block() {
            return net;
        }

        @Override
        public void validationStep(Batch batch, int batchIdx, int dataloaderIdx) {
            steps.add("val " + dataloaderIdx + ":" + batchIdx);
            log("val_loss", Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head()));
        }
    }

    /** Logs one bare name from both loaders: Lightning refuses it. */
    static final class SameBareName extends Fixtures.Classifier {
        @Override
        public void validationStep(Batch batch, int batchIdx, int dataloaderIdx) {
            log("loss", 1.0, LogOptions.defaults().withAddDataloaderIdx(false));
        }
    }

    @Test
    void oneBareNameFromTwoLoadersIsRefused() {
        DataLoader a = Fixtures.loader(Fixtures.blobs(8, 6, 1), 4, false);
        try (SameBareName module = new SameBareName();
             Trainer trainer = Fixtures.quietTrainer(root).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.validate(module, List.of(a, a)));
            assertTrue(e.getMessage().contains("log('loss') with addDataloaderIdx(false) from dataloader 0 and "
                    + "dataloader 1"), e.getMessage());
        }
    }

    @Test
    void aCombinedBatchTellsHowToReachItsParts() {
        try (NDManager manager = NDManager.newBaseManager();
             CombinedStream stream = CombinedLoader.of(Map.of("a", ids(0, 2, 2))).open(manager, new long[] {1},
                     (l, p) -> 0, 0, -1);
             Batch batch = stream.next()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> io.fulmen.data.Batches.data(batch));
            assertTrue(e.getMessage().contains("CombinedBatch.of(batch).get(\"a\")"), e.getMessage());
            assertEquals(2, CombinedBatch.of(batch).get("a").getSize());
        }
    }

    @Test
    void oneLoaderCallsTheIndexedStepWithZeroWhenItIsTheOnlyOneOverridden() {
        DataLoader a = Fixtures.loader(Fixtures.blobs(8, 6, 1), 4, false);
        try (OnlyIndexedStep module = new OnlyIndexedStep();
             Trainer trainer = Fixtures.quietTrainer(root).build()) {
            Map<String, Double> results = trainer.validate(module, a).get(0);
            assertEquals(List.of("val 0:0", "val 0:1"), module.steps);
            assertEquals(List.of("val_loss"), List.copyOf(results.keySet()));
        }
    }

    /** A DataModule whose valDataloaders() returns two loaders: fit validates on both. */
    static final class TwoValLoaders extends LightningDataModule {
        @Override
        public DataLoader trainDataloader() {
            return Fixtures.loader(Fixtures.blobs(32, 6, 3), 8, true);
        }

        @Override
        public List<DataLoader> valDataloaders() {
            return List.of(Fixtures.loader(Fixtures.blobs(8, 6, 4), 4, false),
                    Fixtures.loader(Fixtures.blobs(12, 6, 5), 4, false));
        }
    }

    @Test
    void fitValidatesOnEveryLoaderOfTheDataModule() {
        try (MultiEval module = new MultiEval();
             Trainer trainer = Fixtures.quietTrainer(root).maxEpochs(1).numSanityValSteps(1).build()) {
            trainer.fit(module, new TwoValLoaders());
            // Sanity check: one batch of each loader; then the epoch's validation over all of them.
            assertEquals(List.of("val 0:0", "val 1:0", "val 0:0", "val 0:1", "val 1:0", "val 1:1", "val 1:2"),
                    module.steps);
            assertEquals(5, trainer.view().numValBatches());
            Map<String, Double> metrics = trainer.view().callbackMetrics();
            assertTrue(metrics.containsKey("val_loss/dataloader_idx_0"), metrics.toString());
            assertTrue(metrics.containsKey("val_loss/dataloader_idx_1"), metrics.toString());
            assertFalse(metrics.containsKey("val_loss"), metrics.toString());
        }
    }

    // ------------------------------------------------------------------ combined training loader

    /** Sample i has label i: the batches tell which samples a step got. */
    static DataLoader ids(int from, int n, int batchSize) {
        float[] x = new float[n * 2];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) Math.sin(from + i);
            x[2 * i + 1] = (float) Math.cos(from + i);
            y[i] = from + i;
        }
        return DataLoader.of(TensorDataset.builder().data(x, new Shape(2)).labels(y).build()).batchSize(batchSize)
                .build();
    }

    /** Trains a tiny regression on every part of a combined batch, recording the sample ids of each part. */
    static class CombinedProbe extends Fixtures.Classifier {
        final List<String> seen = new ArrayList<>();

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            if (!(batch instanceof CombinedBatch combined)) {
                seen.add(describe(batch));
                return Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head().mod(4));
            }
            StringBuilder s = new StringBuilder();
            NDArray loss = null;
            for (Batch part : combined.parts()) {
                s.append(s.length() == 0 ? "" : " | ").append(part == null ? "-" : describe(part));
                if (part != null) {
                    NDArray l = Losses.crossEntropy(forward(part.getData()).head(), part.getLabels().head().mod(4));
                    loss = loss == null ? l : loss.add(l);
                }
            }
            seen.add(s.toString());
            return loss;
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {}

        private static String describe(Batch b) {
            long[] ids = b.getLabels().head().toLongArray();
            return ids[0] + ".." + ids[ids.length - 1];
        }
    }

    private List<String> trainOneEpoch(CombinedLoader combined) {
        try (CombinedProbe module = new CombinedProbe();
             Trainer trainer = Fixtures.quietTrainer(root).maxEpochs(1).build()) {
            trainer.fit(module, combined);
            assertEquals(module.seen.size(), trainer.view().globalStep());
            assertEquals(combined.numBatches(), trainer.view().numTrainingBatches());
            return module.seen;
        }
    }

    @Test
    void maxSizeCycleRestartsTheShorterLoader() {
        CombinedLoader c = CombinedLoader.of(List.of(ids(0, 6, 2), ids(100, 10, 2)));
        assertEquals(CombinedLoader.Mode.MAX_SIZE_CYCLE, c.mode());
        assertEquals(List.of("0..1 | 100..101", "2..3 | 102..103", "4..5 | 104..105", "0..1 | 106..107",
                "2..3 | 108..109"), trainOneEpoch(c));
    }

    @Test
    void minSizeStopsWithTheShortestLoader() {
        CombinedLoader c = CombinedLoader.of(List.of(ids(0, 6, 2), ids(100, 10, 2)), CombinedLoader.Mode.MIN_SIZE);
        assertEquals(List.of("0..1 | 100..101", "2..3 | 102..103", "4..5 | 104..105"), trainOneEpoch(c));
    }

    @Test
    void maxSizeGivesNullForALoaderThatRanOut() {
        CombinedLoader c = CombinedLoader.of(List.of(ids(0, 5, 2), ids(100, 8, 2)), CombinedLoader.Mode.MAX_SIZE);
        assertEquals(List.of("0..1 | 100..101", "2..3 | 102..103", "4..4 | 104..105", "- | 106..107"),
                trainOneEpoch(c));
    }

    @Test
    void sequentialRunsTheLoadersOneAfterTheOther() {
        CombinedLoader c = CombinedLoader.of(List.of(ids(0, 4, 2), ids(100, 6, 2)), CombinedLoader.Mode.SEQUENTIAL);
        assertEquals(List.of("0..1", "2..3", "100..101", "102..103", "104..105"), trainOneEpoch(c));
    }

    @Test
    void limitTrainBatchesAppliesToEachLoaderAndNamesFindTheirBatch() {
        List<String> names = new ArrayList<>();
        CombinedProbe module = new CombinedProbe() {
            @Override
            public NDArray trainingStep(Batch batch, int batchIdx) {
                CombinedBatch combined = CombinedBatch.of(batch);
                names.add(combined.names() + " " + combined.get("b").getLabels().head().toLongArray()[0]);
                return super.trainingStep(batch, batchIdx);
            }
        };
        Map<String, DataLoader> loaders = new java.util.LinkedHashMap<>();
        loaders.put("a", ids(0, 6, 2));
        loaders.put("b", ids(100, 10, 2));
        try (module; Trainer trainer = Fixtures.quietTrainer(root).maxEpochs(1).limitTrainBatches(2).build()) {
            trainer.fit(module, DataSource.trainAndVal(CombinedLoader.of(loaders), null));
            assertEquals(List.of("[a, b] 100", "[a, b] 102"), names);
        }
        try (NDManager manager = NDManager.newBaseManager();
             BatchStream stream = ids(0, 2, 2).open(manager, 0, 0, 1);
             Batch plain = stream.next()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CombinedBatch.of(plain));
            assertTrue(e.getMessage().contains("not from a CombinedLoader"), e.getMessage());
        }
    }

    @Test
    void modesHaveLightningsNames() {
        assertEquals(CombinedLoader.Mode.MAX_SIZE_CYCLE, CombinedLoader.Mode.of("max_size_cycle"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CombinedLoader.Mode.of("longest"));
        assertTrue(e.getMessage().contains("max_size_cycle, min_size, max_size, sequential"), e.getMessage());
    }
}
