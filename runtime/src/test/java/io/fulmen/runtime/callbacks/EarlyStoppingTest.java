package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.callbacks.EarlyStopping.StoppingReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EarlyStopping decides as Lightning 2.2's {@code lightning/pytorch/callbacks/early_stopping.py}: scripted metric
 * sequences through a fake Trainer (expected epochs worked out from {@code _evaluate_stopping_criteria}), the
 * checkpoint state, and real fits.
 */
class EarlyStoppingTest {

    /** A Trainer view whose metrics the test scripts; records the epoch of every {@code requestStop()}. */
    static final class ScriptedTrainer extends ScriptedTrainerView {
        final List<Integer> stopRequests = new ArrayList<>();

        ScriptedTrainer() {
            numTrainingBatches = 1;
        }

        @Override
        public long globalStep() {
            return epoch;
        }

        @Override
        public void requestStop() {
            super.requestStop();
            stopRequests.add(epoch);
        }
    }

    private static final LightningModule MODULE = new LightningModule() {
        @Override
        public Block block() {
            return null;
        }
    };

    private final ScriptedTrainer trainer = new ScriptedTrainer();

    /**
     * Fits epochs {@code firstEpoch, firstEpoch + 1, …} without validation, the metric {@code name} taking the next
     * value at each epoch's end, as Lightning's fit loop would until {@code should_stop}; returns the epoch in which
     * the stop was requested, or -1.
     */
    private int run(EarlyStopping es, String name, int firstEpoch, double... values) {
        for (int i = 0; i < values.length; i++) {
            trainer.epoch = firstEpoch + i;
            es.onTrainEpochStart(trainer, MODULE);
            es.onTrainBatchEnd(trainer, MODULE, null, null, 0);
            trainer.metrics.put(name, values[i]);
            es.onTrainEpochEnd(trainer, MODULE);
            if (trainer.stop) {
                return trainer.epoch;
            }
        }
        return -1;
    }

    private int run(EarlyStopping es, double... values) {
        es.setup(trainer, MODULE, Stage.FIT);
        return run(es, es.monitor(), 0, values);
    }

    @Test
    void minModeEqualValuesAreNoImprovement() {
        EarlyStopping es = EarlyStopping.builder("val_loss").patience(3).mode("min").verbose(true).build();
        // e0: 5 < inf, best 5. e1: 4 < 5, best 4. e2, e3, e4: `4 - (-0.0) < 4` is false -> wait 1, 2, 3 >= 3:
        // stop at epoch 4 (the 5th value); the 3 is never seen.
        assertEquals(4, run(es, 5, 4, 4, 4, 4, 3));
        assertEquals(List.of(4), trainer.stopRequests);
        assertEquals(4, es.stoppedEpoch());
        assertEquals(3, es.waitCount());
        assertEquals(4.0, es.bestScore());
        assertEquals(StoppingReason.PATIENCE_EXHAUSTED, es.stoppingReason());
        assertEquals("Monitored metric val_loss did not improve in the last 3 records. Best score: 4.000. "
                + "Signaling Trainer to stop.", es.stoppingReasonMessage());
    }

    @Test
    void improvementMessagesAreLightnings() {
        EarlyStopping es = EarlyStopping.builder("val_loss").build();
        run(es, 0.5);
        assertEquals("Metric val_loss improved. New best score: 0.500", es.lastReason());
        run(es, "val_loss", 1, 0.377);
        assertEquals("Metric val_loss improved by 0.123 >= min_delta = 0.0. New best score: 0.377", es.lastReason());
        assertEquals(StoppingReason.NOT_STOPPED, es.stoppingReason());
        assertNull(es.stoppingReasonMessage());
        assertEquals(0, es.stoppedEpoch());
    }

    @Test
    void maxModeWithMinDelta() {
        EarlyStopping es = EarlyStopping.builder("val_acc").mode("max").minDelta(0.1).patience(2).build();
        // max: min_delta stays +0.1 and the test is `current - 0.1 > best`.
        // e0: 0.9 > -inf, best 1.0. e1: 0.95 > 1.0 no, wait 1. e2: 1.1 > 1.0, best 1.2, wait 0.
        // e3: 1.15 > 1.2 no, wait 1. e4: 1.18 > 1.2 no, wait 2 >= 2: stop at epoch 4.
        assertEquals(4, run(es, 1.0, 1.05, 1.2, 1.25, 1.28, 2.0));
        assertEquals(1.2, es.bestScore());
        assertEquals(StoppingReason.PATIENCE_EXHAUSTED, es.stoppingReason());
        assertEquals("Monitored metric val_acc did not improve in the last 2 records. Best score: 1.200. "
                + "Signaling Trainer to stop.", es.stoppingReasonMessage());
    }

    @Test
    void minModeMinDeltaIsSubtractedFromTheBest() {
        EarlyStopping es = EarlyStopping.builder("val_loss").minDelta(0.1).patience(2).build();
        // min: min_delta becomes -0.1, the test `current + 0.1 < best`.
        // e0: best 1.0. e1: 1.05 < 1.0 no, wait 1. e2: 0.95 < 1.0 yes, best 0.85. e3: 0.9 < 0.85 no, wait 1.
        // e4: 0.85 < 0.85 no, wait 2: stop at epoch 4.
        assertEquals(4, run(es, 1.0, 0.95, 0.85, 0.8, 0.75, 0.1));
        assertEquals(0.85, es.bestScore());
        assertEquals("Metric val_loss improved by 0.150 >= min_delta = 0.1. New best score: 0.850",
                improvementAt(EarlyStopping.builder("val_loss").minDelta(0.1).build(), 1.0, 0.85));
    }

    private String improvementAt(EarlyStopping es, double... values) {
        ScriptedTrainer t = new ScriptedTrainer();
        es.setup(t, MODULE, Stage.FIT);
        for (int i = 0; i < values.length; i++) {
            t.epoch = i;
            t.metrics.put(es.monitor(), values[i]);
            es.onTrainEpochEnd(t, MODULE);
        }
        return es.lastReason();
    }

    @Test
    void stoppingThresholdReached() {
        EarlyStopping es = EarlyStopping.builder("val_loss").stoppingThreshold(0.5).build();
        // `current < 0.5`, checked before the improvement test: e2: 0.5 < 0.5 is false -> an improvement (best 0.5);
        // e3: 0.4 < 0.5: stop at epoch 3 without touching best score or wait count.
        assertEquals(3, run(es, 1.0, 0.7, 0.5, 0.4, 0.3));
        assertEquals(StoppingReason.STOPPING_THRESHOLD, es.stoppingReason());
        assertEquals("Stopping threshold reached: val_loss = 0.4 < 0.5. Signaling Trainer to stop.",
                es.stoppingReasonMessage());
        assertEquals(0.5, es.bestScore());
        assertEquals(0, es.waitCount());
        assertEquals(3, es.stoppedEpoch());
    }

    @Test
    void stoppingThresholdInMaxMode() {
        EarlyStopping es = EarlyStopping.builder("val_acc").mode("max").stoppingThreshold(0.9).build();
        // `current > 0.9`: 0.9 is not past it (improvement), 0.95 is: stop at epoch 2.
        assertEquals(2, run(es, 0.5, 0.9, 0.95));
        assertEquals("Stopping threshold reached: val_acc = 0.95 > 0.9. Signaling Trainer to stop.",
                es.stoppingReasonMessage());
    }

    @Test
    void divergenceThresholdExceeded() {
        EarlyStopping es = EarlyStopping.builder("val_loss").divergenceThreshold(2.0).build();
        // `-current < -2.0`, i.e. current > 2.0. e1: 1.5 no improvement, wait 1; e2: 2.0 is not > 2.0, wait 2;
        // e3: 2.5 > 2.0: stop at epoch 3 (before patience 3 would). Lightning prints the mode's `<` here.
        assertEquals(3, run(es, 1.0, 1.5, 2.0, 2.5));
        assertEquals(StoppingReason.DIVERGENCE_THRESHOLD, es.stoppingReason());
        assertEquals("Divergence threshold reached: val_loss = 2.5 < 2.0. Signaling Trainer to stop.",
                es.stoppingReasonMessage());
        assertEquals(2, es.waitCount());

        EarlyStopping max = EarlyStopping.builder("val_acc").mode("max").divergenceThreshold(0.2).build();
        trainer.stop = false;
        // max: `-current > -0.2`, i.e. current < 0.2: stop at epoch 1.
        assertEquals(1, run(max, 0.5, 0.1));
        assertEquals(StoppingReason.DIVERGENCE_THRESHOLD, max.stoppingReason());
    }

    @Test
    void nonFiniteStopsWithCheckFinite() {
        EarlyStopping es = EarlyStopping.builder("val_loss").build();
        assertEquals(1, run(es, 1.0, Double.NaN, 0.5));
        assertEquals(StoppingReason.NON_FINITE_METRIC, es.stoppingReason());
        assertEquals("Monitored metric val_loss = nan is not finite. Previous best value was 1.000. "
                + "Signaling Trainer to stop.", es.stoppingReasonMessage());
        assertEquals(1.0, es.bestScore());

        trainer.stop = false;
        EarlyStopping inf = EarlyStopping.builder("val_loss").mode("max").build();
        // Checked first: +inf would otherwise be an improvement in max mode.
        assertEquals(0, run(inf, Double.POSITIVE_INFINITY));
        assertEquals("Monitored metric val_loss = inf is not finite. Previous best value was -inf. "
                + "Signaling Trainer to stop.", inf.stoppingReasonMessage());
    }

    @Test
    void nanWithoutCheckFiniteCountsAsNoImprovement() {
        EarlyStopping es = EarlyStopping.builder("val_loss").checkFinite(false).build();
        // torch.lt(nan, best) is false: e1, e2, e3 each wait one more, stop at epoch 3 for patience 3.
        assertEquals(3, run(es, 1.0, Double.NaN, Double.NaN, Double.NaN));
        assertEquals(StoppingReason.PATIENCE_EXHAUSTED, es.stoppingReason());
        assertEquals(1.0, es.bestScore());
    }

    @Test
    void strictMissingMetricFailsListingTheAvailableOnes() {
        EarlyStopping es = EarlyStopping.builder("val_loss").build();
        es.setup(trainer, MODULE, Stage.FIT);
        trainer.metrics.put("train_loss", 1.0);
        trainer.metrics.put("val_acc", 0.5);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> es.onTrainEpochEnd(trainer, MODULE));
        assertEquals("Early stopping conditioned on metric `val_loss` which is not available. Pass in or modify "
                + "your `EarlyStopping` callback to use any of the following: `train_loss`, `val_acc`",
                e.getMessage());
        assertFalse(trainer.stop);
    }

    @Test
    void nonStrictMissingMetricSkipsTheCheck() {
        EarlyStopping es = EarlyStopping.builder("val_loss").strict(false).patience(1).verbose(true).build();
        assertEquals(-1, run(es, "train_loss", 0, 1.0, 1.0, 1.0, 1.0, 1.0));
        assertEquals(0, es.waitCount());
        assertEquals(Double.POSITIVE_INFINITY, es.bestScore());
        assertEquals(List.of(), trainer.stopRequests);
    }

    @Test
    void invalidModeListsBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EarlyStopping.builder("val_loss").mode("avg").build());
        assertEquals("`mode` can be min, max, got avg", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.builder("val_loss").patience(-1).build());
    }

    @Test
    void stateRoundTripContinuesCounting() {
        EarlyStopping first = EarlyStopping.builder("val_loss").patience(3).build();
        assertEquals(-1, run(first, 5, 6, 7)); // best 5, waits 1 and 2
        Map<String, Object> state = first.stateDict();
        assertEquals(Map.of("wait_count", 2, "stopped_epoch", 0, "best_score", 5.0, "patience", 3), state);
        assertEquals("EarlyStopping{monitor=val_loss, mode=min}", first.stateKey());
        assertEquals("EarlyStopping{monitor=val_acc, mode=max}", EarlyStopping.builder("val_acc").mode("max").build().stateKey());

        EarlyStopping resumed = EarlyStopping.builder("val_loss").patience(10).build();
        resumed.loadStateDict(state);
        assertEquals(3, resumed.patience());
        assertEquals(2, resumed.waitCount());
        trainer.stop = false;
        resumed.setup(trainer, MODULE, Stage.FIT);
        // The third record without improvement, at epoch 3, stops.
        assertEquals(3, run(resumed, "val_loss", 3, 8));
        assertEquals(3, resumed.stoppedEpoch());
        assertEquals(3, resumed.stateDict().get("stopped_epoch"));

        // Before any check the best score is infinite: written as a string, read back as the double.
        Map<String, Object> fresh = EarlyStopping.builder("val_acc").mode("max").build().stateDict();
        assertEquals("-Infinity", fresh.get("best_score"));
        assertEquals(Double.NEGATIVE_INFINITY, Double.parseDouble((String) fresh.get("best_score")));
        EarlyStopping loaded = EarlyStopping.builder("val_acc").mode("max").build();
        loaded.loadStateDict(Map.of("wait_count", 1L, "stopped_epoch", 0, "best_score", "inf", "patience", 2));
        assertEquals(Double.POSITIVE_INFINITY, loaded.bestScore());
        assertEquals(1, loaded.waitCount());
    }

    @Test
    void checksAfterValidationWhenAskedAndNeverInSanityCheckOrOutsideFit() {
        EarlyStopping es = EarlyStopping.builder("val_loss").patience(1).checkOnTrainEpochEnd(false).build();
        es.setup(trainer, MODULE, Stage.FIT);
        trainer.sanity = true;
        trainer.metrics.put("val_loss", 1.0);
        es.onValidationEnd(trainer, MODULE);
        assertEquals(Double.POSITIVE_INFINITY, es.bestScore(), "no check in the sanity check");
        trainer.sanity = false;
        es.onValidationEnd(trainer, MODULE);
        assertEquals(1.0, es.bestScore());
        es.onTrainEpochEnd(trainer, MODULE); // not at train epoch end: no second record
        assertEquals(0, es.waitCount());
        trainer.stage = Stage.VALIDATE;
        es.onValidationEnd(trainer, MODULE);
        assertEquals(0, es.waitCount(), "no check in trainer.validate");
        trainer.stage = Stage.FIT;
        trainer.epoch = 1;
        es.onValidationEnd(trainer, MODULE);
        assertEquals(List.of(1), trainer.stopRequests);

        EarlyStopping atEpochEnd = EarlyStopping.builder("val_loss").checkOnTrainEpochEnd(true).build();
        atEpochEnd.setup(trainer, MODULE, Stage.FIT);
        atEpochEnd.onValidationEnd(trainer, MODULE);
        assertEquals(Double.POSITIVE_INFINITY, atEpochEnd.bestScore());
        atEpochEnd.onTrainEpochEnd(trainer, MODULE);
        assertEquals(1.0, atEpochEnd.bestScore());
    }

    /** One epoch of the auto-resolution scenarios: 4 training batches, validation after the given ones. */
    private void epoch(EarlyStopping es, int epoch, Double valLoss, int... validateAfterBatch) {
        trainer.epoch = epoch;
        trainer.numTrainingBatches = 4;
        es.onTrainEpochStart(trainer, MODULE);
        int v = 0;
        for (int b = 0; b < 4; b++) {
            es.onTrainBatchEnd(trainer, MODULE, null, null, b);
            if (v < validateAfterBatch.length && validateAfterBatch[v] == b) {
                v++;
                es.onValidationBatchEnd(trainer, MODULE, null, 0, 0);
                trainer.metrics.put("val_loss", valLoss);
                es.onValidationEnd(trainer, MODULE);
            }
        }
        es.onTrainEpochEnd(trainer, MODULE);
    }

    private void sanityCheck(EarlyStopping es) {
        trainer.sanity = true;
        es.onValidationBatchEnd(trainer, MODULE, null, 0, 0);
        es.onValidationEnd(trainer, MODULE);
        trainer.sanity = false;
    }

    @Test
    void autoChecksAfterValidationWhenItRunsEveryNEpochs() {
        // check_val_every_n_epoch=2: Lightning resolves check_on_train_epoch_end to False and checks after the
        // validations of epochs 1 and 3 only: e1 best 1.0, e3 wait 1 >= 1: stop at epoch 3. Checking at the end of
        // epoch 0 would have failed on the missing val_loss.
        EarlyStopping es = EarlyStopping.builder("val_loss").patience(1).build();
        trainer.validationSchedule(2, 1.0);
        es.setup(trainer, MODULE, Stage.FIT);
        sanityCheck(es);
        epoch(es, 0, null);
        assertTrue(trainer.stopRequests.isEmpty());
        epoch(es, 1, 1.0, 3);
        assertEquals(1.0, es.bestScore());
        epoch(es, 2, null);
        assertEquals(0, es.waitCount(), "stale val_loss not checked again at the end of epoch 2");
        epoch(es, 3, 1.0, 3);
        assertEquals(List.of(3), trainer.stopRequests);
    }

    @Test
    void autoChecksAfterEveryValidationWhenItRunsTwicePerEpoch() {
        // val_check_interval=0.5: checks after each validation: 1.0 (best), 1.0 (wait 1), 1.0 (wait 2),
        // 1.0 (wait 3): stop in epoch 1 after its second validation.
        EarlyStopping es = EarlyStopping.builder("val_loss").build();
        trainer.validationSchedule(1, 0.5);
        es.setup(trainer, MODULE, Stage.FIT);
        sanityCheck(es);
        epoch(es, 0, 1.0, 1, 3);
        assertEquals(1, es.waitCount());
        epoch(es, 1, 1.0, 1, 3);
        assertEquals(List.of(1), trainer.stopRequests);
        assertEquals(3, es.waitCount());
    }

    @Test
    void autoChecksAtTrainEpochEndWhenValidatingOncePerEpoch() {
        EarlyStopping es = EarlyStopping.builder("val_loss").patience(1).build();
        es.setup(trainer, MODULE, Stage.FIT);
        sanityCheck(es);
        epoch(es, 0, 2.0, 3);
        assertEquals(2.0, es.bestScore());
        // Validation at the epoch's last batch: judged at the train epoch end that follows, not at validation end.
        trainer.epoch = 1;
        es.onTrainEpochStart(trainer, MODULE);
        es.onTrainBatchEnd(trainer, MODULE, null, null, 3);
        trainer.metrics.put("val_loss", 3.0);
        es.onValidationEnd(trainer, MODULE);
        assertEquals(0, es.waitCount(), "not checked at validation end");
        es.onTrainEpochEnd(trainer, MODULE);
        assertEquals(List.of(1), trainer.stopRequests);
    }

    // ------------------------------------------------------------------ real fits

    @TempDir
    Path root;

    /** A small classifier whose validation logs a constant {@code val_metric}; counts its training epochs. */
    static final class Plateau extends LightningModule {
        final Block net = new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(4).build());
        int epochsRun;

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
            log("train_loss", loss);
            return loss;
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            log("val_metric", 0.75);
        }

        @Override
        public void onTrainEpochEnd() {
            epochsRun++;
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Adam.builder().lr(1e-2f).build());
        }
    }

    private static DataLoader loader(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 8];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int f = 0; f < 8; f++) {
                x[i * 8 + f] = (float) rng.nextGaussian();
                if (f < 4 && x[i * 8 + f] > x[i * 8 + best]) {
                    best = f;
                }
            }
            y[i] = best;
        }
        TensorDataset ds = TensorDataset.builder().data(x, new Shape(8)).labels(y).build();
        return DataLoader.of(ds).batchSize(16).shuffle(false).build();
    }

    private TrainerBuilder quietTrainer() {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .logger(false).seed(7);
    }

    @Test
    void realFitStopsOnAPlateau() {
        EarlyStopping es = EarlyStopping.builder("val_metric").patience(2).build();
        // Checked at train epoch end (val_check_interval 1.0, check_val_every_n_epoch 1): epoch 0 sets the best,
        // epochs 1 and 2 do not improve (wait 1, 2 >= 2): stop signalled in epoch 2, so fit ends with
        // current_epoch 3 after 3 epochs.
        try (Trainer trainer = quietTrainer().maxEpochs(20).callbacks(es).build();
             Plateau model = new Plateau()) {
            trainer.fit(model, loader(64, 1), loader(32, 2));
            assertEquals(3, trainer.view().currentEpoch());
            assertEquals(3, model.epochsRun);
        }
        assertEquals(2, es.stoppedEpoch());
        assertEquals(2, es.waitCount());
        assertEquals(0.75, es.bestScore());
        assertEquals(StoppingReason.PATIENCE_EXHAUSTED, es.stoppingReason());
    }

    @Test
    void realFitValidatingEveryOtherEpochChecksAfterValidation() {
        EarlyStopping es = EarlyStopping.builder("val_metric").patience(1).build();
        // check_val_every_n_epoch=2: Lightning checks after the validations of epochs 1 (best) and 3 (wait 1 >= 1):
        // stop in epoch 3, fit ends with current_epoch 4. Checking at the end of epoch 0 would fail (no val_metric).
        try (Trainer trainer = quietTrainer().maxEpochs(20).checkValEveryNEpoch(2).callbacks(es).build();
             Plateau model = new Plateau()) {
            trainer.fit(model, loader(64, 1), loader(32, 2));
            assertEquals(4, trainer.view().currentEpoch());
        }
        assertEquals(3, es.stoppedEpoch());
    }
}
