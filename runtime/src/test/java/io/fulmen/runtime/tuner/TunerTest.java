package io.fulmen.runtime.tuner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import ai.djl.util.Pair;
import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learning-rate range test and the batch-size search on real small fits, checked against Lightning's rules. */
class TunerTest {
    @TempDir
    Path root;

    /** y = 3*x0 - 2*x1 + 1 with a little noise. */
    static TensorDataset regression(int n) {
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = new float[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) rng.nextGaussian();
            x[2 * i + 1] = (float) rng.nextGaussian();
            y[i] = 3 * x[2 * i] - 2 * x[2 * i + 1] + 1 + 0.01f * (float) rng.nextGaussian();
        }
        return TensorDataset.builder().data(x, new Shape(2)).labels(y, new Shape(1)).build();
    }

    /** A linear regression whose learning rate is the field {@code lr}, also saved as a hyperparameter. */
    static class Regression extends LightningModule {
        final Block net = Linear.builder().setUnits(1).build();
        final List<Double> rawLosses = new ArrayList<>();
        float lr = 0.01f;
        int batchSize = 8;

        Regression() {
            saveHyperparameters("lr", 0.01, "batch_size", 8);
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray diff = forward(batch.getData().head()).sub(batch.getLabels().head());
            NDArray loss = diff.mul(diff).mean();
            rawLosses.add((double) loss.getFloat());
            return loss;
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(lr).build());
        }

        @Override
        public DataLoader trainDataloader() {
            return DataLoader.of(regression(400)).batchSize(batchSize).shuffle(true).build();
        }
    }

    private TrainerBuilder trainer() {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .logger(false).enableCheckpointing(false).seed(11);
    }

    private static List<float[]> weights(LightningModule m) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : m.block().getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void gradientIsNumpysOnAnUnevenGrid() {
        // numpy.gradient([1, 4, 16], [1, 2, 4]) == [3, 4, 6]
        assertArrayEquals(new double[] {3, 4, 6}, LrFindResult.gradient(new double[] {1, 4, 16},
                new double[] {1, 2, 4}), 1e-12);
    }

    @Test
    void lrFindSweepsExponentiallySmoothsTheLossAndRestoresWeightsAndProgress() throws Exception {
        LrFindOptions options = LrFindOptions.defaults().withMinLr(1e-4).withMaxLr(0.5).withNumTraining(30)
                .withEarlyStopThreshold(null);
        try (Regression module = new Regression(); Trainer trainer = trainer().build()) {
            LrFindResult r = Tuner.lrFind(trainer, module, null, options);
            assertEquals(30, r.lrs().size());
            for (int i = 0; i < 30; i++) {
                assertEquals(1e-4 * Math.pow(0.5 / 1e-4, i / 30.0), r.lrs().get(i), 1e-12 * r.lrs().get(i));
            }
            // Lightning's smoothing: avg = 0.98 avg + 0.02 loss, divided by 1 - 0.98^(step + 1), step from 1.
            double avg = 0;
            for (int i = 0; i < 30; i++) {
                avg = 0.98 * avg + 0.02 * module.rawLosses.get(i);
                assertEquals(avg / (1 - Math.pow(0.98, i + 2)), r.losses().get(i), 1e-6 * Math.abs(avg) + 1e-9);
            }
            Double suggestion = r.suggestion();
            assertEquals(r.lrs().get(r.optimalIndex(10, 1)), suggestion);
            assertEquals(suggestion.floatValue(), module.lr);
            assertEquals(suggestion, (Double) module.hparams().get("lr"));
            assertEquals(31, Files.readAllLines(r.csvFile()).size());
            String svg = Files.readString(r.plotFile());
            assertTrue(svg.startsWith("<svg") && svg.contains("suggested lr"), svg);
            assertEquals(0, trainer.view().globalStep());
            assertEquals(0, trainer.view().currentEpoch());

            // The weights are the initial ones again: a seeded fit afterwards starts at step 0 with the same first
            // loss as the search's first step.
            double firstLoss = module.rawLosses.get(0);
            module.rawLosses.clear();
            try (Trainer fit = trainer().maxSteps(2).build()) {
                fit.fit(module);
                assertEquals(2, fit.view().globalStep());
            }
            assertEquals(firstLoss, module.rawLosses.get(0), 1e-6);
        }
    }

    @Test
    void lrFindStopsEarlyWhenTheLossDiverges() {
        LrFindOptions options = LrFindOptions.defaults().withMinLr(1e-3).withMaxLr(1e3).withNumTraining(60);
        try (Regression module = new Regression(); Trainer trainer = trainer().build()) {
            LrFindResult r = Tuner.lrFind(trainer, module, null, options.withUpdateAttr(false));
            assertTrue(r.lrs().size() < 60, "diverged run should stop early, ran " + r.lrs().size());
            assertEquals(0.01f, module.lr);
            // Weights are restored even though the search ended on exploded values.
            for (float[] w : weights(module)) {
                for (float v : w) {
                    assertTrue(Float.isFinite(v), "restored weight " + v);
                }
            }
        }
    }

    @Test
    void lrFindLinearModeAndAMissingAttribute() {
        LrFindOptions options = LrFindOptions.defaults().withMinLr(0.001).withMaxLr(0.1).withNumTraining(12)
                .withMode(LrFindOptions.Mode.LINEAR).withEarlyStopThreshold(null);
        try (Regression module = new Regression(); Trainer trainer = trainer().build()) {
            LrFindResult r = Tuner.lrFind(trainer, module, null, options);
            for (int i = 0; i < 12; i++) {
                assertEquals(0.001 + i / 12.0 * (0.1 - 0.001), r.lrs().get(i), 1e-12);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tuner.lrFind(trainer, module, null, options.withAttrName("base_lr")));
            assertTrue(e.getMessage().contains("'baseLr'") && e.getMessage().contains("withUpdateAttr(false)"),
                    e.getMessage());
        }
    }

    /** A DataModule whose loader reads its batchSize field; it records every size asked for. */
    static final class SizedData extends LightningDataModule {
        int batchSize = 1;
        final int samples;
        final List<Integer> asked = new ArrayList<>();

        SizedData(int samples) {
            this.samples = samples;
        }

        @Override
        public DataLoader trainDataloader() {
            asked.add(batchSize);
            return DataLoader.of(regression(samples)).batchSize(batchSize).build();
        }
    }

    @Test
    void powerModeHalvesTheFirstSizeThatFails() {
        SizedData data = new SizedData(200);
        assertEquals(16, scaleOnDataModule(BatchSizeOptions.defaults().withTooBig(t -> t.batchSize() > 20), data));
        assertEquals(List.of(2, 4, 8, 16, 32), data.asked);
        assertEquals(16, data.batchSize);
        try (DataOnly module = new DataOnly(); Trainer trainer = trainer().build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tuner.scaleBatchSize(trainer, module, data, BatchSizeOptions.defaults()
                            .withBatchArgName("bs")));
            assertTrue(e.getMessage().contains("Field bs not found in DataOnly nor in SizedData"), e.getMessage());
        }
    }

    /** The module's batchSize field is found first (Lightning looks at the model before the DataModule). */
    private int scaleOnDataModule(BatchSizeOptions options, SizedData data) {
        try (DataOnly module = new DataOnly(); Trainer trainer = trainer().build()) {
            return Tuner.scaleBatchSize(trainer, module, data, options);
        }
    }

    /** A module with no batch-size field or hyperparameter: the DataModule's is used. */
    static final class DataOnly extends LightningModule {
        final Block net = Linear.builder().setUnits(1).build();

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray diff = forward(batch.getData().head()).sub(batch.getLabels().head());
            return diff.mul(diff).mean();
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(0.01f).build());
        }
    }

    @Test
    void binsearchBisectsBetweenTheLastSuccessAndTheFailure() {
        SizedData data = new SizedData(200);
        int size = scaleOnDataModule(BatchSizeOptions.defaults().withMode(BatchSizeOptions.Mode.BINSEARCH)
                .withTooBig(t -> t.batchSize() > 20), data);
        assertEquals(20, size);
        assertEquals(List.of(2, 4, 8, 16, 32, 24, 20, 22, 21), data.asked);
    }

    @Test
    void withoutALimitTheSizeGrowsUntilABatchHoldsTheDataset() {
        SizedData data = new SizedData(50);
        assertEquals(64, scaleOnDataModule(BatchSizeOptions.defaults(), data));
        assertEquals(List.of(2, 4, 8, 16, 32, 64), data.asked);
    }

    @Test
    void aStepTimeLimitNoSizeMeetsEndsAtOne() {
        SizedData data = new SizedData(50);
        assertEquals(1, scaleOnDataModule(BatchSizeOptions.defaults().withMaxStepTime(Duration.ofNanos(1)), data));
        assertEquals(List.of(2, 1), data.asked);
    }

    @Test
    void theModulesHyperparameterIsUpdatedToo() {
        try (Regression module = new Regression(); Trainer trainer = trainer().build()) {
            int size = Tuner.scaleBatchSize(trainer, module, null, BatchSizeOptions.defaults()
                    .withTooBig(t -> t.batchSize() > 8));
            assertEquals(8, size);
            assertEquals(8, module.batchSize);
            assertEquals(8L, module.hparams().get("batch_size"));
            assertEquals(0, trainer.view().globalStep());
        }
    }

    @Test
    void finderCallbacksTuneAtTheStartOfFit() {
        SizedData data = new SizedData(200);
        List<Float> lrAtStart = new ArrayList<>();
        Callback probe = new Callback() {
            @Override
            public void onTrainStart(TrainerView t, LightningModule m) {
                lrAtStart.add(t.learningRates().get(0));
            }
        };
        BatchSizeFinder sizes = new BatchSizeFinder(BatchSizeOptions.defaults().withTooBig(t -> t.batchSize() > 10));
        LearningRateFinder lrs = new LearningRateFinder(LrFindOptions.defaults().withMinLr(1e-4).withMaxLr(0.3)
                .withNumTraining(25).withEarlyStopThreshold(null));
        try (LrModule module = new LrModule();
             Trainer trainer = trainer().maxEpochs(1).callbacks(sizes, lrs, probe).build()) {
            trainer.fit(module, data);
            assertEquals(8, sizes.optimalBatchSize());
            assertEquals(8, data.batchSize);
            assertEquals(25, trainer.view().numTrainingBatches());
            assertEquals(lrs.optimalLr(), module.lr, 0.0);
            assertEquals(List.of((float) module.lr), lrAtStart);
            assertEquals(25, trainer.view().globalStep());
        }
    }

    @Test
    void finderCallbacksByName() {
        SizedData data = new SizedData(64);
        try (LrModule module = new LrModule();
             Trainer trainer = trainer().maxEpochs(1)
                     .callbacks("batch_size_finder", "learning_rate_finder")
                     .option("batch_size_finder.mode", "binsearch").option("batch_size_finder.max_trials", "3")
                     .option("learning_rate_finder.num_training_steps", "20")
                     .option("learning_rate_finder.min_lr", "1e-4").build()) {
            trainer.fit(module, data);
            // No limit: binsearch doubles 2 -> 4 -> 8 -> 16 and stops after max_trials successes.
            assertEquals(16, data.batchSize);
            LearningRateFinder finder = trainer.callbacks().stream().filter(c -> c instanceof LearningRateFinder)
                    .map(c -> (LearningRateFinder) c).findFirst().orElseThrow();
            assertEquals(4, finder.result().lrs().size()); // one epoch of 64 / 16 batches
            assertEquals(1e-4, finder.result().lrs().get(0), 1e-12);
        }
    }

    /** DataOnly with a learning-rate field. */
    static final class LrModule extends LightningModule {
        final Block net = Linear.builder().setUnits(1).build();
        double lr = 0.02;

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray diff = forward(batch.getData().head()).sub(batch.getLabels().head());
            return diff.mul(diff).mean();
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr((float) lr).build());
        }
    }
}
