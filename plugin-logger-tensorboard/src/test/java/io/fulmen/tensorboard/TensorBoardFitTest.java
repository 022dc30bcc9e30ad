package io.fulmen.tensorboard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.Trainer;
import io.fulmen.tensorboard.proto.Event;
import io.fulmen.tensorboard.proto.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real fit with this logger, resolved by name: every record passes its CRCs and holds what was logged. */
class TensorBoardFitTest {
    @TempDir
    Path root;

    /** Linear regression on random data, logging its loss every step. */
    static final class Regression extends LightningModule {
        private final Block net = Linear.builder().setUnits(1).build();

        Regression() {
            saveHyperparameters("lr", 0.05, "optimizer", "sgd");
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = Losses.mse(forward(batch.getData()).head(), batch.getLabels().head());
            log("train_loss", loss, LogOptions.defaults().withOnEpoch(true));
            return loss;
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(0.05f).build());
        }
    }

    private static DataLoader data() {
        SplittableRandom rng = new SplittableRandom(4);
        float[] x = new float[256 * 3];
        float[] y = new float[256];
        for (int i = 0; i < 256; i++) {
            for (int f = 0; f < 3; f++) {
                x[i * 3 + f] = (float) rng.nextGaussian();
            }
            y[i] = 2 * x[i * 3] - x[i * 3 + 1] + 0.5f;
        }
        TensorDataset ds = TensorDataset.builder().data(x, new Shape(3)).labels(y, new Shape(1)).build();
        return DataLoader.of(ds).batchSize(32).build();
    }

    @Test
    void everyRecordChecksOutAndHoldsTheLoggedValues() throws Exception {
        Map<Long, Double> logged = new TreeMap<>();
        Callback recorder = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
                logged.put(t.globalStep() - 1, t.callbackMetrics().get("train_loss_step"));
            }
        };
        double before = System.currentTimeMillis() / 1000.0;
        try (var module = new Regression(); var trainer = Trainer.builder().defaultRootDir(root).logger("tensorboard")
                .maxEpochs(2).logEveryNSteps(1).enableProgressBar(false).enableModelSummary(false)
                .enableCheckpointing(false).callbacks(recorder).build()) {
            trainer.fit(module, data());
        }
        double after = System.currentTimeMillis() / 1000.0;
        Path file;
        try (Stream<Path> s = Files.list(root.resolve("fulmen_logs/version_0"))) {
            file = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst()
                    .orElseThrow();
        }
        TfEventsReader.Result result = TfEventsReader.read(file);
        assertEquals(0, result.truncatedTailBytes());
        List<Event> events = result.events();
        assertEquals("brain.Event:2", events.get(0).getFileVersion());
        Map<Long, Float> stepLosses = new TreeMap<>();
        int epochValues = 0;
        boolean hparams = false;
        for (Event e : events) {
            assertTrue(e.getWallTime() >= before - 1 && e.getWallTime() <= after + 1, "wall time " + e.getWallTime());
            for (Summary.Value v : e.getSummary().getValueList()) {
                switch (v.getTag()) {
                    case "train_loss_step" -> stepLosses.put(e.getStep(), v.getSimpleValue());
                    case "train_loss_epoch" -> epochValues++;
                    case "_hparams_/session_start_info" -> hparams = true;
                    default -> { }
                }
            }
        }
        assertEquals(16, logged.size());
        assertEquals(logged.keySet(), stepLosses.keySet());
        logged.forEach((step, value) -> assertEquals(value.floatValue(), stepLosses.get(step), "step " + step));
        assertEquals(2, epochValues);
        assertTrue(hparams, "the hparams session start record is missing");
        assertTrue(Files.readString(file.resolveSibling("hparams.yaml")).contains("optimizer: sgd"));
    }

    @Test
    void theHistogramCallbackWorksByNameWithItsOptions() throws Exception {
        try (var module = new Regression(); var trainer = Trainer.builder().defaultRootDir(root).logger("tensorboard")
                .maxEpochs(1).enableProgressBar(false).enableModelSummary(false).enableCheckpointing(false)
                .callbacks("histogram").option("histogram.every_n_steps", "4").option("histogram.gradients", "false")
                .build()) {
            HistogramCallback histogram = (HistogramCallback) trainer.callbacks().get(0);
            assertEquals(4, histogram.everyNSteps());
            trainer.fit(module, data());
        }
        Path file;
        try (Stream<Path> s = Files.list(root.resolve("fulmen_logs/version_0"))) {
            file = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst()
                    .orElseThrow();
        }
        Map<Long, Integer> weightsPerStep = new TreeMap<>();
        for (Event e : TfEventsReader.read(file).events()) {
            for (Summary.Value v : e.getSummary().getValueList()) {
                assertTrue(!v.getTag().startsWith("gradients/"), "gradients are off: " + v.getTag());
                if (v.getTag().startsWith("weights/")) {
                    weightsPerStep.merge(e.getStep(), 1, Integer::sum);
                }
            }
        }
        assertEquals(List.of(0L, 4L), List.copyOf(weightsPerStep.keySet()));
    }
}
