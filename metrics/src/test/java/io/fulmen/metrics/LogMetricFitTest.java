package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code log(name, metric)} in a real Trainer: the epoch value is the metric computed over every sample of the epoch
 * (50 samples in batches of 16, 16, 16 and 2, so a mean of batch values would differ), the step value is the batch
 * value of {@code forward}, and the Trainer resets the metric at the end of the epoch.
 */
class LogMetricFitTest {
    private static final int CLASSES = 4;
    private static final int FEATURES = 6;

    @TempDir
    Path root;

    @Test
    void validationLogsTheMetricsOfEveryValidationSample() {
        try (Net module = new Net(); Trainer trainer = trainer().build()) {
            Map<String, Double> results = trainer.validate(module, loader(50, 3)).get(0);

            int[] predicted = argmax(module.logits, CLASSES);
            int hits = 0;
            for (int i = 0; i < predicted.length; i++) {
                hits += predicted[i] == module.labels.get(i) ? 1 : 0;
            }
            assertEquals(50, predicted.length);
            assertEquals(hits / 50.0, results.get("val_acc"), 1e-12);

            F1Score f1 = F1Score.multiclass(CLASSES, Average.MACRO);
            Auroc auroc = Auroc.multiclass(CLASSES);
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                NDArray logits = m.create(module.logits.stream().mapToDouble(Float::doubleValue).toArray())
                        .reshape(50, CLASSES);
                NDArray labels = m.create(module.labels.stream().mapToLong(Long::longValue).toArray());
                f1.update(logits, labels);
                auroc.update(logits, labels);
            }
            assertEquals(f1.compute(), results.get("val_f1"), 1e-12);
            assertEquals(auroc.compute(), results.get("val_auroc"), 1e-12);
            double meanOfBatchF1 = module.batchF1.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertNotEquals(meanOfBatchF1, results.get("val_f1"), 1e-6, "not a mean of batch values");

            assertTrue(Double.isNaN(module.valAuroc.compute()), "the Trainer reset the metric at epoch end");
            assertEquals(0, module.valAccuracy.compute(), "the Trainer reset the metric at epoch end");
        }
    }

    @Test
    void trainingLogsTheBatchValueOnStepAndTheEpochValueOnEpoch() {
        try (Net module = new Net(); Trainer trainer = trainer().maxEpochs(1).limitValBatches(0).build()) {
            trainer.fit(module, loader(50, 5), (DataLoader) null);

            assertEquals(module.batchAccuracy, module.loggedStepAccuracy, "on step: the value of the batch");
            int[] predicted = argmax(module.logits, CLASSES);
            int hits = 0;
            for (int i = 0; i < predicted.length; i++) {
                hits += predicted[i] == module.labels.get(i) ? 1 : 0;
            }
            assertEquals(hits / 50.0, module.epochAccuracy, 1e-12);
            assertEquals(0, module.trainAccuracy.compute(), "reset after the epoch");
        }
    }

    @Test
    void onStepNeedsForward() {
        Net module = new Net();
        module.trainUpdateOnly = true;
        try (module; Trainer trainer = trainer().maxEpochs(1).limitValBatches(0).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> trainer.fit(module, loader(20, 5), (DataLoader) null));
            assertTrue(e.getMessage().contains("forward"), e.getMessage());
        }
    }

    private TrainerBuilder trainer() {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .logger(false).enableCheckpointing(false).numSanityValSteps(0).seed(7);
    }

    private static DataLoader loader(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * FEATURES];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = (float) rng.nextGaussian();
            }
            y[i] = rng.nextInt(CLASSES);
        }
        TensorDataset ds = TensorDataset.builder().data(x, new Shape(FEATURES)).labels(y).build();
        return DataLoader.of(ds).batchSize(16).build();
    }

    private static int[] argmax(List<Float> flat, int width) {
        int[] out = new int[flat.size() / width];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int c = 1; c < width; c++) {
                if (flat.get(r * width + c) > flat.get(r * width + best)) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** An MLP logging stateful metrics the way a Lightning module logs torchmetrics objects. */
    private static final class Net extends LightningModule {
        final Accuracy trainAccuracy = Accuracy.multiclass(CLASSES);
        final Accuracy valAccuracy = Accuracy.multiclass(CLASSES);
        final F1Score valF1 = F1Score.multiclass(CLASSES, Average.MACRO);
        final Auroc valAuroc = Auroc.multiclass(CLASSES);
        final List<Float> logits = new ArrayList<>();
        final List<Long> labels = new ArrayList<>();
        final List<Double> batchF1 = new ArrayList<>();
        final List<Double> batchAccuracy = new ArrayList<>();
        final List<Double> loggedStepAccuracy = new ArrayList<>();
        double epochAccuracy = Double.NaN;
        boolean trainUpdateOnly;
        private final Block net = new SequentialBlock().add(Linear.builder().setUnits(8).build())
                .add(Activation::relu).add(Linear.builder().setUnits(CLASSES).build());

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray out = forward(batch.getData()).head();
            NDArray y = batch.getLabels().head();
            record(out, y);
            if (trainUpdateOnly) {
                trainAccuracy.update(out, y);
            } else {
                batchAccuracy.add(trainAccuracy.forward(out, y));
            }
            log("train_acc", trainAccuracy, LogOptions.defaults().withOnEpoch(true));
            return Losses.crossEntropy(out, y);
        }

        @Override
        public void onTrainBatchEnd(NDArray loss, Batch batch, int batchIdx) {
            loggedStepAccuracy.add(trainer().callbackMetrics().get("train_acc_step"));
        }

        @Override
        public void onTrainEpochEnd() {
            epochAccuracy = trainer().callbackMetrics().get("train_acc_epoch");
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            NDArray out = forward(batch.getData()).head();
            NDArray y = batch.getLabels().head();
            record(out, y);
            valAccuracy.forward(out, y);
            batchF1.add(valF1.forward(out, y));
            valAuroc.update(out, y);
            log("val_acc", valAccuracy);
            log("val_f1", valF1);
            log("val_auroc", valAuroc);
        }

        private void record(NDArray out, NDArray y) {
            for (float v : out.toFloatArray()) {
                logits.add(v);
            }
            for (long v : y.toLongArray()) {
                labels.add(v);
            }
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Adam.builder().lr(1e-2f).build());
        }
    }
}
