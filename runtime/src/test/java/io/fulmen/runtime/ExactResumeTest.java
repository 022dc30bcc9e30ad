package io.fulmen.runtime;

import io.fulmen.data.DataSource;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.optim.Adam;
import io.fulmen.optim.Interval;
import io.fulmen.optim.Optimizer;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.OptimizerState;
import io.fulmen.optim.ReduceLROnPlateau;
import io.fulmen.optim.Schedules;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.callbacks.BackboneFinetuning;
import io.fulmen.runtime.callbacks.EMAWeightAveraging;
import io.fulmen.runtime.callbacks.StochasticWeightAveraging;
import io.fulmen.runtime.checkpoint.CheckpointFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Run A trains N steps straight; run B trains K < N steps, stopping mid-epoch, and saves; a new Trainer resumes B
 * to N. Parameters and optimizer state must be bitwise equal.
 */
class ExactResumeTest {
    private static final int N = 40;
    private static final int K = 22;

    @TempDir
    Path root;

    /** A classifier with a configurable optimizer and schedule. */
    static class Model extends Fixtures.Classifier {
        private final UnaryOperator<OptimizerConfig> schedule;

        Model(Supplier<Optimizer> optimizer, boolean cosine) {
            this(optimizer, c -> cosine ? c.withScheduler(Schedules.cosine(N, 1e-4f), Interval.STEP) : c);
        }

        Model(Supplier<Optimizer> optimizer, UnaryOperator<OptimizerConfig> schedule) {
            super(16, optimizer);
            this.schedule = schedule;
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return schedule.apply(OptimizerConfig.of(optimizer.get()));
        }
    }

    /** The same classifier with dropout after the hidden layer: every training step draws from the engine's RNG. */
    static final class DropoutModel extends Model {
        private final Block withDropout = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation::relu)
                .add(Dropout.builder().optRate(0.5f).build())
                .add(Linear.builder().setUnits(4).build());

        DropoutModel(Supplier<Optimizer> optimizer) {
            super(optimizer, false);
        }

        @Override
        public Block block() {
            return withDropout;
        }
    }

    /** Copies every parameter and every optimizer buffer at the end of training, as Java arrays. */
    static final class FinalState implements Callback {
        final Map<String, float[]> values = new LinkedHashMap<>();
        float learningRate;

        @Override
        public void onTrainEnd(TrainerView t, LightningModule m) {
            m.block().getParameters().forEach(p -> values.put("model/" + p.getKey(),
                    p.getValue().getArray().toFloatArray()));
            LightningOptimizer o = t.optimizers().get(0);
            learningRate = o.learningRate();
            try (NDManager scratch = NDManager.newBaseManager()) {
                OptimizerState s = o.optimizer().exportState(scratch);
                s.entries().forEach((param, entry) -> {
                    values.put("step/" + param, new float[] {entry.step()});
                    entry.buffers().forEach((b, a) -> values.put("opt/" + param + "/" + b, a.toFloatArray()));
                });
            }
        }
    }

    /** Saves a full checkpoint when the global step reaches {@code step}. */
    static final class SaveAt implements Callback {
        private final long step;
        private final Path file;

        SaveAt(long step, Path file) {
            this.step = step;
            this.file = file;
        }

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            if (t.globalStep() == step) {
                t.saveCheckpoint(file, false);
            }
        }
    }

    private static Callback[] with(Callback extra, Callback callback) {
        return extra == null ? new Callback[] {callback} : new Callback[] {extra, callback};
    }

    private TrainerBuilder trainer(long maxSteps, Callback... callbacks) {
        return Fixtures.quietTrainer(root).seed(3).maxSteps(maxSteps).deterministic(true).callbacks(callbacks);
    }

    private void checkExactResume(Supplier<Optimizer> optimizer, boolean cosine) {
        checkExactResume(optimizer, cosine, UnaryOperator.identity());
    }

    /** As above with the Trainers configured by {@code configure}; the precision's state must match too. */
    private void checkExactResume(Supplier<Optimizer> optimizer, boolean cosine,
                                  UnaryOperator<TrainerBuilder> configure) {
        checkResume(() -> new Model(optimizer, cosine), true, () -> null, configure);
    }

    private FinalState checkExactResume(Supplier<? extends LightningModule> model) {
        return checkResume(model, true);
    }

    private FinalState checkResume(Supplier<? extends LightningModule> model, boolean withValidation) {
        return checkResume(model, withValidation, () -> null);
    }

    private FinalState checkResume(Supplier<? extends LightningModule> model, boolean withValidation,
                                   Supplier<Callback> extra) {
        return checkResume(model, withValidation, extra, UnaryOperator.identity());
    }

    /**
     * {@code extra} (a fresh instance per fit, or null) runs before the recording and saving callbacks; the Trainers
     * are configured by {@code configure}, and the precision's state must match too.
     */
    private FinalState checkResume(Supplier<? extends LightningModule> model, boolean withValidation,
                                   Supplier<Callback> extra, UnaryOperator<TrainerBuilder> configure) {
        var train = Fixtures.loader(Fixtures.blobs(256, 8, 9), 16, true);
        var val = withValidation ? Fixtures.loader(Fixtures.blobs(64, 8, 10), 32, false) : null;
        FinalState straight = new FinalState();
        Map<String, Object> straightPrecision;
        try (var m = model.get(); var t = configure.apply(trainer(N, with(extra.get(), straight))).build()) {
            t.fit(m, train, val);
            assertEquals(N, t.view().globalStep());
            straightPrecision = t.precision().stateDict();
        }
        Path ckpt = root.resolve("mid.ckpt");
        try (var m = model.get();
             var t = configure.apply(trainer(K, with(extra.get(), new SaveAt(K, ckpt)))).build()) {
            t.fit(m, train, val);
        }
        assertTrue(Files.isRegularFile(ckpt));
        FinalState resumed = new FinalState();
        try (var m = model.get(); var t = configure.apply(trainer(N, with(extra.get(), resumed))).build()) {
            t.fit(m, DataSource.loaders(train, val), CkptPath.of(ckpt));
            assertEquals(N, t.view().globalStep());
            assertEquals(N / 16 + 1, t.view().currentEpoch(), "max_steps ends epoch 2 early, which counts as done");
            assertEquals(straightPrecision, t.precision().stateDict());
        }
        assertEquals(straight.values.keySet(), resumed.values.keySet());
        straight.values.forEach((k, v) -> assertArrayEquals(v, resumed.values.get(k), k));
        assertEquals(straight.learningRate, resumed.learningRate);
        return straight;
    }

    /**
     * 16-mixed with a loss scale too large for float16 at first and a short growth interval: steps are skipped and
     * the scale backs off and grows on both sides of the checkpoint, so resuming must restore the scaler exactly.
     */
    @Test
    void sixteenMixedResumesBitForBitWithItsLossScaler() {
        checkExactResume(() -> Adam.builder().lr(1e-2f).build(), true, b -> b.precision("16-mixed")
                .option("16-mixed.init_scale", String.valueOf(1 << 30)).option("16-mixed.growth_interval", "4"));
    }

    @Test
    void sgdWithMomentumResumesBitForBit() {
        checkExactResume(() -> Sgd.builder().lr(0.05f).momentum(0.9f).build(), false);
    }

    @Test
    void adamWithCosineScheduleResumesBitForBit() {
        checkExactResume(() -> Adam.builder().lr(1e-2f).build(), true);
    }

    @Test
    void dropoutModelResumesBitForBit() {
        checkExactResume(() -> new DropoutModel(() -> Sgd.builder().lr(0.05f).momentum(0.9f).build()));
    }

    @Test
    void dropoutModelInitialisedInsideTheFirstTrainingStepResumesBitForBit() {
        // No validation, so no sanity check: the lazy initialisation runs inside step 0 here and inside step K+1
        // of the resumed fit.
        checkResume(() -> new DropoutModel(() -> Sgd.builder().lr(0.05f).momentum(0.9f).build()), false);
    }

    @Test
    void reduceLrOnPlateauResumesBitForBit() {
        // patience 0 and a 50% relative threshold: epoch 0 sets the best val_loss, epoch 1 (step 32, after the save
        // at step 22) cannot beat it by half and halves the rate, so the resumed fit needs the restored best.
        FinalState straight = checkExactResume(() -> new Model(() -> Adam.builder().lr(1e-2f).build(),
                c -> c.withScheduler(ReduceLROnPlateau.builder().factor(0.5).patience(0).threshold(0.5).build(),
                        "val_loss")));
        assertEquals(5e-3f, straight.learningRate, "the plateau schedule reduced the rate once");
    }

    @Test
    void emaWeightAveragingResumesBitForBit() {
        // The final parameters are the averages (copied in at the end of training): they must match bitwise.
        checkResume(() -> new DropoutModel(() -> Sgd.builder().lr(0.05f).momentum(0.9f).build()), true,
                () -> new EMAWeightAveraging(0.9, 1, null, null));
    }

    @Test
    void stochasticWeightAveragingResumesBitForBit() {
        // SWA from epoch 2 (0-based 1, step 16) takes the cosine schedule over; the save at step 22 holds one
        // averaged model, the stopped schedule and the SWALR step count. Without max_epochs the average is copied
        // into the module at the end, so the final parameters are the averages.
        FinalState straight = checkResume(() -> new Model(() -> Adam.builder().lr(1e-2f).build(), true), true,
                () -> new StochasticWeightAveraging(5e-3, 2, 2, StochasticWeightAveraging.Annealing.COS));
        assertEquals(5e-3f, straight.learningRate, 1e-9f, "SWALR reached swa_lr after 2 annealing epochs");
    }

    @Test
    void backboneFinetuningResumesBitForBit() {
        // The first layer is unfrozen at epoch 0 into a group at 0.1 x the rate, which grows x1.5 at epochs 1 (step
        // 16) and 2 (step 32): the save at step 22 must carry the group (setup freezes the layer again) and its rate,
        // and the resumed epoch 1 must not grow it twice.
        checkResume(() -> new Model(() -> Sgd.builder().lr(0.05f).momentum(0.9f).build(), false), true,
                () -> BackboneFinetuning.builder().unfreezeBackboneAtEpoch(0)
                        .backbone(m -> m.block().getChildren().get(0).getValue()).build());
    }

    /** A module that keeps a counter of its own in checkpoints. */
    static final class Counting extends Fixtures.Classifier {
        long batchesSeen;
        Map<String, Object> loaded;

        Counting() {
            super(8, () -> Sgd.builder().lr(0.1f).build());
        }

        @Override
        public void onTrainBatchEnd(NDArray loss, Batch batch, int batchIdx) {
            batchesSeen++;
        }

        @Override
        public void onSaveCheckpoint(Map<String, Object> extra) {
            extra.put("batches_seen", batchesSeen);
        }

        @Override
        public void onLoadCheckpoint(Map<String, Object> extra) {
            loaded = extra;
            batchesSeen = ((Number) extra.get("batches_seen")).longValue();
        }
    }

    @Test
    void moduleStateTravelsThroughOnSaveAndOnLoadCheckpoint() {
        var train = Fixtures.loader(Fixtures.blobs(128, 8, 9), 16, true);
        Path ckpt = root.resolve("counting.ckpt");
        try (var m = new Counting(); var t = trainer(5, new SaveAt(5, ckpt)).build()) {
            t.fit(m, train);
        }
        try (var m = new Counting(); var t = trainer(12).build()) {
            t.fit(m, DataSource.loaders(train, null), CkptPath.of(ckpt));
            // The save ran in a callback's on_train_batch_end of the 5th batch, before the module's own hook for
            // that batch (callbacks first, as in Lightning): 4 were counted then, 7 more after resuming.
            assertEquals(4, ((Number) m.loaded.get("batches_seen")).longValue());
            assertEquals(11, m.batchesSeen);
        }
    }

    @Test
    void aCorruptCheckpointNamesTheFile() throws Exception {
        Path bad = root.resolve("bad.ckpt");
        Files.write(bad, new byte[] {1, 2, 3, 4});
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 9), 16, true);
        try (var m = new Model(() -> Sgd.builder().lr(0.1f).build(), false); var t = trainer(4).build()) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> t.fit(m, DataSource.loaders(train, null), CkptPath.of(bad)));
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        }
    }
}
