package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.callbacks.Timer;
import io.fulmen.runtime.loop.TrainingCancelledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Trainer's arguments do what PyTorch Lightning 2.2's do ({@code shared/anchors/trainer_args.txt}), checked by
 * counting hooks on small real fits: batch limits, fast_dev_run, max/min epochs and steps, max_time, validation
 * scheduling, sanity steps, stopping from another thread, logging semantics, the CSV logger and name resolution.
 *
 * <p>Data: {@link #train16()} has 16 batches, {@link #val4()} 4 batches, {@link #loader64()} 64 batches.
 */
class TrainerArgumentsTest {
    private static final long LATCH_SECONDS = 30;

    @TempDir
    Path root;

    private static DataLoader train16() {
        return Fixtures.loader(Fixtures.blobs(256, 8, 1), 16, false);
    }

    private static DataLoader val4() {
        return Fixtures.loader(Fixtures.blobs(64, 8, 2), 16, false);
    }

    private static DataLoader loader64() {
        return Fixtures.loader(Fixtures.blobs(256, 8, 3), 4, false);
    }

    /** Builds a quiet Trainer with {@code rec} and fits the classifier on {@code train}/{@code val}. */
    private Trainer fit(TrainerBuilder builder, ArgsRecorder rec, DataLoader train, DataLoader val) {
        Trainer trainer = builder.callbacks(rec).build();
        try (var model = new Fixtures.Classifier()) {
            trainer.fit(model, train, val);
        } catch (RuntimeException | Error e) {
            trainer.close();
            throw e;
        }
        trainer.close();
        return trainer;
    }

    private Trainer fit(Consumer<TrainerBuilder> args, ArgsRecorder rec) {
        TrainerBuilder b = Fixtures.quietTrainer(root);
        args.accept(b);
        return fit(b, rec, train16(), val4());
    }

    // ------------------------------------------------------------------ limit_*_batches

    @Test
    void limitTrainBatchesAsCountAndFraction() {
        ArgsRecorder count = new ArgsRecorder();
        Trainer t = fit(Fixtures.quietTrainer(root).maxEpochs(2).limitTrainBatches(10), count, loader64(), val4());
        assertEquals(20, count.trainBatches, "limit_train_batches=10 over 2 epochs");
        assertEquals(10, t.view().numTrainingBatches());
        assertEquals(20, t.view().globalStep());

        ArgsRecorder fraction = new ArgsRecorder();
        t = fit(Fixtures.quietTrainer(root).maxEpochs(1).limitTrainBatches(0.25), fraction, loader64(), val4());
        assertEquals(16, fraction.trainBatches, "limit_train_batches=0.25 of 64 batches");
        assertEquals(16, t.view().numTrainingBatches());
        assertEquals(List.of(16), fraction.validationAfterTrainBatches, "validation at the end of the limited epoch");
    }

    @Test
    void limitTrainBatchesFractionBelowOneBatchFails() {
        ArgsRecorder rec = new ArgsRecorder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fit(b -> b.maxEpochs(1).limitTrainBatches(0.01), rec));
        assertTrue(e.getMessage().contains("limit_train_batches"), e.getMessage());
        assertEquals(0, rec.trainBatches);
    }

    @Test
    void limitValBatchesAsCountAndFraction() {
        ArgsRecorder count = new ArgsRecorder();
        fit(b -> b.maxEpochs(1).limitValBatches(3).numSanityValSteps(-1), count);
        assertEquals(List.of(3), count.valBatchesPerRun, "limit_val_batches=3 of 4");
        assertEquals(3, count.sanityBatches, "the sanity check is limited too");

        ArgsRecorder fraction = new ArgsRecorder();
        fit(b -> b.maxEpochs(1).limitValBatches(0.5), fraction);
        assertEquals(List.of(2), fraction.valBatchesPerRun, "limit_val_batches=0.5 of 4");

        ArgsRecorder validate = new ArgsRecorder();
        try (var model = new Fixtures.Classifier();
             var t = Fixtures.quietTrainer(root).limitValBatches(0.25).callbacks(validate).build()) {
            t.validate(model, loader64());
        }
        assertEquals(List.of(16), validate.valBatchesPerRun, "Trainer.validate honours limit_val_batches");
    }

    @Test
    void limitValBatchesFractionBelowOneBatchFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fit(b -> b.maxEpochs(1).limitValBatches(0.1), new ArgsRecorder()));
        assertTrue(e.getMessage().contains("limit_val_batches"), e.getMessage());
    }

    @Test
    void limitValBatchesZeroDisablesValidationAndSanityCheck() {
        ArgsRecorder count = new ArgsRecorder();
        fit(b -> b.maxEpochs(2).limitValBatches(0), count);
        assertEquals(32, count.trainBatches);
        assertEquals(0, count.validationRuns);
        assertEquals(0, count.valBatches);
        assertEquals(0, count.sanityBatches);

        ArgsRecorder fraction = new ArgsRecorder();
        fit(b -> b.maxEpochs(1).limitValBatches(0.0), fraction);
        assertEquals(0, fraction.validationRuns);
        assertEquals(0, fraction.sanityBatches);
    }

    @Test
    void limitTestBatchesAsCountAndFraction() {
        try (var model = new Fixtures.Classifier()) {
            ArgsRecorder count = new ArgsRecorder();
            try (var t = Fixtures.quietTrainer(root).limitTestBatches(5).callbacks(count).build()) {
                t.test(model, loader64());
            }
            assertEquals(5, count.testBatches);

            ArgsRecorder fraction = new ArgsRecorder();
            try (var t = Fixtures.quietTrainer(root).limitTestBatches(0.25).callbacks(fraction).build()) {
                t.test(model, loader64());
            }
            assertEquals(16, fraction.testBatches, "limit_test_batches=0.25 of 64");

            try (var t = Fixtures.quietTrainer(root).limitTestBatches(0.01).build()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> t.test(model, loader64()));
                assertTrue(e.getMessage().contains("limit_test_batches"), e.getMessage());
            }
        }
    }

    @Test
    void limitPredictBatchesAsCountAndFraction() {
        try (var model = new Fixtures.Classifier()) {
            ArgsRecorder count = new ArgsRecorder();
            try (var t = Fixtures.quietTrainer(root).limitPredictBatches(7).callbacks(count).build()) {
                assertEquals(7, t.predict(model, loader64()).size());
            }
            assertEquals(7, count.predictBatches);

            ArgsRecorder fraction = new ArgsRecorder();
            try (var t = Fixtures.quietTrainer(root).limitPredictBatches(0.5).callbacks(fraction).build()) {
                assertEquals(32, t.predict(model, loader64()).size());
            }
            assertEquals(32, fraction.predictBatches, "limit_predict_batches=0.5 of 64");
        }
    }

    // ------------------------------------------------------------------ fast_dev_run

    @Test
    void fastDevRunTrueRunsOneBatchOfEachLoopWithoutLoggers() throws IOException {
        ArgsRecorder rec = new ArgsRecorder();
        // A logger is asked for (and the default would be CSV): fast_dev_run still logs nothing.
        TrainerBuilder b = Trainer.builder().defaultRootDir(root).enableProgressBar(false)
                .enableModelSummary(false).seed(7).logger("csv").maxEpochs(5).fastDevRun(true);
        Trainer t = b.callbacks(rec).build();
        assertTrue(t.view().loggers().isEmpty(), "fast_dev_run: no loggers, got " + t.view().loggers());
        try (var model = new Fixtures.Classifier()) {
            t.fit(model, train16(), val4());
            assertEquals(1, rec.trainBatches);
            assertEquals(1, rec.valBatches);
            assertEquals(1, rec.validationRuns);
            assertEquals(0, rec.sanityBatches, "fast_dev_run skips the sanity check");
            assertEquals(1, rec.trainEpochStarts);
            assertEquals(1, t.view().globalStep());
            assertEquals(1, t.view().currentEpoch());
            t.test(model, loader64());
            assertEquals(1, rec.testBatches);
            assertEquals(1, t.predict(model, loader64()).size());
            assertEquals(1, rec.predictBatches);
        } finally {
            t.close();
        }
        assertTrue(t.view().loggers().isEmpty());
        try (var files = Files.walk(root)) {
            assertEquals(List.of(root), files.toList(), "fast_dev_run wrote no logs");
        }
    }

    @Test
    void fastDevRunNRunsNBatches() {
        ArgsRecorder rec = new ArgsRecorder();
        Trainer t = fit(b -> b.maxEpochs(5).fastDevRun(3), rec);
        assertEquals(3, rec.trainBatches);
        assertEquals(3, rec.valBatches);
        assertEquals(List.of(3), rec.valBatchesPerRun);
        assertEquals(0, rec.sanityBatches);
        assertEquals(1, rec.trainEpochStarts);
        assertEquals(3, t.view().globalStep());
        assertEquals(1, t.view().currentEpoch());
    }

    // ------------------------------------------------------------------ max_steps / max_epochs / min_epochs

    @Test
    void maxStepsStopsMidEpoch() {
        ArgsRecorder rec = new ArgsRecorder();
        Trainer t = fit(b -> b.maxEpochs(3).maxSteps(5), rec);
        assertEquals(5, t.view().globalStep());
        assertEquals(5, rec.trainBatches, "stopped inside the first 16-batch epoch");
        assertEquals(1, rec.trainEpochStarts);
        assertEquals(1, rec.trainEpochEnds, "Lightning ends the interrupted epoch with on_train_epoch_end");
        assertEquals(1, t.view().currentEpoch(), "Lightning counts the interrupted epoch as completed");
        assertEquals(0, rec.validationRuns, "val_check_batch=16 was never reached");
        assertTrue(rec.trainBatches < t.view().numTrainingBatches(), "the epoch was not finished");
        assertEquals(3, rec.maxEpochsAtTrainStart, "max_epochs stays as given");
        assertEquals(5, t.view().maxSteps());
    }

    @Test
    void maxStepsCountsOptimizerStepsWithAccumulation() {
        ArgsRecorder rec = new ArgsRecorder();
        Trainer t = fit(b -> b.maxEpochs(10).maxSteps(5).accumulateGradBatches(4), rec);
        assertEquals(5, t.view().globalStep());
        assertEquals(20, rec.trainBatches, "5 steps x 4 accumulated batches");
        assertEquals(2, rec.trainEpochStarts);
    }

    @Test
    void maxEpochsRunsWholeEpochs() {
        ArgsRecorder rec = new ArgsRecorder();
        Trainer t = fit(b -> b.maxEpochs(3), rec);
        assertEquals(3, t.view().currentEpoch());
        assertEquals(3, rec.trainEpochStarts);
        assertEquals(48, rec.trainBatches);
        assertEquals(48, t.view().globalStep());
        assertEquals(3, rec.validationRuns);
        assertEquals(3, rec.maxEpochsAtTrainStart);
    }

    @Test
    void defaultMaxEpochsIs1000OnlyWhenNothingElseBoundsTraining() {
        try (var t = Fixtures.quietTrainer(root).build()) {
            assertEquals(1000, t.settings().effectiveMaxEpochs());
        }
        try (var t = Fixtures.quietTrainer(root).maxSteps(10).build()) {
            assertEquals(-1, t.settings().effectiveMaxEpochs(), "max_steps set: max_epochs unbounded");
        }
        try (var t = Fixtures.quietTrainer(root).maxTime(Duration.ofHours(1)).build()) {
            assertEquals(-1, t.settings().effectiveMaxEpochs(), "max_time set: max_epochs unbounded");
        }
        try (var t = Fixtures.quietTrainer(root).maxEpochs(-1).build()) {
            assertEquals(-1, t.settings().effectiveMaxEpochs());
        }
        // The resolved value is what the running Trainer reports.
        ArgsRecorder rec = new ArgsRecorder() {
            @Override
            void afterTrainBatch(TrainerView trainer, int batchIdx) {
                trainer.requestStop();
            }
        };
        fit(b -> b.limitValBatches(0), rec);
        assertEquals(1000, rec.maxEpochsAtTrainStart);
        assertEquals(1, rec.trainBatches);
    }

    @Test
    void minEpochsKeepsTrainingAfterAStopRequestInEpochZero() {
        ArgsRecorder rec = new ArgsRecorder() {
            @Override
            void afterTrainBatch(TrainerView trainer, int batchIdx) {
                if (trainer.currentEpoch() == 0 && batchIdx == 0) {
                    trainer.requestStop();
                }
            }
        };
        Trainer t = fit(b -> b.maxEpochs(5).minEpochs(2), rec);
        // Lightning keeps should_stop set; it takes effect as soon as min_epochs is met: after 2 whole epochs.
        assertEquals(2, rec.trainEpochStarts, "min_epochs=2 then the pending stop request");
        assertEquals(32, rec.trainBatches);
        assertEquals(2, t.view().currentEpoch());
    }

    @Test
    void stopRequestWithoutMinEpochsStopsAfterTheCurrentBatch() {
        ArgsRecorder rec = new ArgsRecorder() {
            @Override
            void afterTrainBatch(TrainerView trainer, int batchIdx) {
                if (trainer.currentEpoch() == 0 && batchIdx == 3) {
                    trainer.requestStop();
                }
            }
        };
        Trainer t = fit(b -> b.maxEpochs(5), rec);
        assertEquals(4, rec.trainBatches);
        assertEquals(1, rec.trainEpochStarts);
        assertEquals(1, t.view().currentEpoch());
        assertEquals(List.of(4), rec.validationAfterTrainBatches, "Lightning validates when stopping early");
    }

    // ------------------------------------------------------------------ max_time

    @Test
    void maxTimeStopsTrainingEarlyWithATimer() {
        ArgsRecorder rec = new ArgsRecorder() {
            @Override
            void afterTrainBatch(TrainerView trainer, int batchIdx) {
                // User callbacks run before the Timer: after this, more than max_time has surely passed.
                sleep(5);
            }
        };
        TrainerBuilder b = Fixtures.quietTrainer(root).maxEpochs(50).maxTime(Duration.ofMillis(1));
        Trainer t = b.callbacks(rec).build();
        assertTrue(t.callbacks().stream().anyMatch(c -> c instanceof Timer), "Timer added: " + t.callbacks());
        try (var plain = Fixtures.quietTrainer(root).build()) {
            assertFalse(plain.callbacks().stream().anyMatch(c -> c instanceof Timer), "no Timer without max_time");
        }
        try (var model = new Fixtures.Classifier()) {
            t.fit(model, train16(), val4());
        } finally {
            t.close();
        }
        assertTrue(t.view().currentEpoch() < 50, "stopped early at epoch " + t.view().currentEpoch());
        assertEquals(1, rec.trainBatches, "the Timer checks after every training batch");
        assertEquals(1, t.view().currentEpoch());
        assertEquals(1, rec.validationRuns, "Lightning validates when stopping early");
    }

    // ------------------------------------------------------------------ validation scheduling

    @Test
    void valCheckIntervalAsFraction() {
        ArgsRecorder rec = new ArgsRecorder();
        fit(b -> b.maxEpochs(1).valCheckInterval(0.25), rec);
        assertEquals(List.of(4, 8, 12, 16), rec.validationAfterTrainBatches);
        assertEquals(4, rec.validationRuns);
    }

    @Test
    void valCheckIntervalAsCount() {
        ArgsRecorder rec = new ArgsRecorder();
        fit(b -> b.maxEpochs(1).valCheckInterval(5), rec);
        assertEquals(List.of(5, 10, 15), rec.validationAfterTrainBatches, "not at the epoch's end (batch 16)");
        assertEquals(3, rec.validationRuns);
    }

    @Test
    void valCheckIntervalCountAboveEpochLengthFails() {
        assertThrows(IllegalArgumentException.class,
                () -> fit(b -> b.maxEpochs(1).valCheckInterval(20), new ArgsRecorder()));
    }

    @Test
    void checkValEveryNEpoch() {
        ArgsRecorder rec = new ArgsRecorder();
        fit(b -> b.maxEpochs(4).checkValEveryNEpoch(2), rec);
        assertEquals(List.of(1, 3), rec.validationEpochs);
        assertEquals(List.of(32, 64), rec.validationAfterTrainBatches);
    }

    @Test
    void checkValEveryNEpochNullCountsValCheckIntervalAcrossEpochs() {
        ArgsRecorder rec = new ArgsRecorder();
        fit(b -> b.maxEpochs(2).checkValEveryNEpoch(null).valCheckInterval(10), rec);
        assertEquals(List.of(10, 20, 30), rec.validationAfterTrainBatches);
        assertEquals(List.of(0, 1, 1), rec.validationEpochs);
    }

    // ------------------------------------------------------------------ num_sanity_val_steps

    @Test
    void numSanityValSteps() {
        ArgsRecorder byDefault = new ArgsRecorder();
        fit(b -> b.maxEpochs(1), byDefault);
        assertEquals(2, byDefault.sanityBatches, "default num_sanity_val_steps=2");
        assertEquals(List.of(4), byDefault.valBatchesPerRun, "sanity batches are not counted as validation");

        ArgsRecorder none = new ArgsRecorder();
        fit(b -> b.maxEpochs(1).numSanityValSteps(0), none);
        assertEquals(0, none.sanityBatches);

        ArgsRecorder all = new ArgsRecorder();
        fit(b -> b.maxEpochs(1).numSanityValSteps(-1), all);
        assertEquals(4, all.sanityBatches, "-1: every validation batch");
    }

    // ------------------------------------------------------------------ stop and cancel from another thread

    @Test
    void requestStopFromAnotherThreadEndsFitEarly() throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch requested = new CountDownLatch(1);
        AtomicReference<String> problem = new AtomicReference<>();
        ArgsRecorder rec = new ArgsRecorder() {
            @Override
            void afterTrainBatch(TrainerView trainer, int batchIdx) {
                if (trainer.currentEpoch() == 0 && batchIdx == 2) {
                    reached.countDown();
                    if (!await(requested)) {
                        problem.set("the background thread did not request a stop");
                    }
                }
            }
        };
        Trainer t = Fixtures.quietTrainer(root).maxEpochs(5).callbacks(rec).build();
        Thread other = new Thread(() -> {
            if (await(reached)) {
                t.requestStop();
                requested.countDown();
            }
        }, "stopper");
        other.start();
        try (var model = new Fixtures.Classifier()) {
            t.fit(model, train16(), val4());
        } finally {
            t.close();
            other.join(TimeUnit.SECONDS.toMillis(LATCH_SECONDS));
        }
        assertNull(problem.get());
        assertEquals(3, rec.trainBatches, "stopped after the batch during which the stop was requested");
        assertTrue(t.view().currentEpoch() < 5, "epoch " + t.view().currentEpoch());
        assertEquals(1, t.view().currentEpoch());
        assertTrue(rec.exceptions.isEmpty(), "a stop is not an error: " + rec.exceptions);
    }

    @Test
    void cancelFromAnotherThreadThrowsAndCallbacksSeeIt() throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        ArgsRecorder rec = new ArgsRecorder() {
            @Override
            void afterTrainBatch(TrainerView trainer, int batchIdx) {
                if (trainer.currentEpoch() == 0 && batchIdx == 2) {
                    reached.countDown();
                    await(cancelled);
                }
            }
        };
        Trainer t = Fixtures.quietTrainer(root).maxEpochs(5).callbacks(rec).build();
        Thread other = new Thread(() -> {
            if (await(reached)) {
                t.cancel();
                cancelled.countDown();
            }
        }, "canceller");
        other.start();
        TrainingCancelledException thrown;
        try (var model = new Fixtures.Classifier()) {
            thrown = assertThrows(TrainingCancelledException.class, () -> t.fit(model, train16(), val4()));
        } finally {
            t.close();
            other.join(TimeUnit.SECONDS.toMillis(LATCH_SECONDS));
        }
        assertEquals(3, rec.trainBatches, "cancelled at the next batch boundary");
        assertEquals(1, rec.exceptions.size(), "onException once: " + rec.exceptions);
        assertSame(thrown, rec.exceptions.get(0));
    }

    // ------------------------------------------------------------------ logging semantics

    /** Logs the batch index: default options and on_epoch in training, default options in validation. */
    static final class IndexLogging extends Fixtures.Classifier {
        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = super.trainingStep(batch, batchIdx);
            log("idx", batchIdx);
            log("fidx", batchIdx, LogOptions.defaults().withOnEpoch(true));
            return loss;
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            super.validationStep(batch, batchIdx);
            log("vidx", batchIdx);
        }
    }

    @Test
    void loggingSemantics() {
        List<Map<String, Double>> atTrainBatchEnd = new ArrayList<>();
        List<Map<String, Double>> atValBatchEnd = new ArrayList<>();
        Callback spy = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                        int batchIdx) {
                atTrainBatchEnd.add(new HashMap<>(trainer.callbackMetrics()));
            }

            @Override
            public void onValidationBatchEnd(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                             int dataloaderIdx) {
                if (!trainer.isSanityChecking()) {
                    atValBatchEnd.add(new HashMap<>(trainer.callbackMetrics()));
                }
            }
        };
        // 40 samples in batches of 16: sizes 16, 16, 8.
        DataLoader train = Fixtures.loader(Fixtures.blobs(40, 8, 1), 16, false);
        DataLoader val = Fixtures.loader(Fixtures.blobs(40, 8, 2), 16, false);
        double weightedMean = (0 * 16 + 1 * 16 + 2 * 8) / 40.0;
        Map<String, Double> end;
        try (var model = new IndexLogging();
             var t = Fixtures.quietTrainer(root).maxEpochs(1).callbacks(spy).build()) {
            t.fit(model, train, val);
            end = t.view().callbackMetrics();
        }
        assertEquals(3, atTrainBatchEnd.size());
        for (int i = 0; i < 3; i++) {
            Map<String, Double> m = atTrainBatchEnd.get(i);
            assertEquals(i, m.get("idx"), "default on_step in training_step, batch " + i + ": " + m);
            assertFalse(m.containsKey("idx_step") || m.containsKey("idx_epoch"), "not forked: " + m);
            assertEquals(i, m.get("fidx_step"), "on_step+on_epoch is forked: " + m);
            assertEquals(i, m.get("fidx"), m.toString());
            assertFalse(m.containsKey("fidx_epoch"), "no epoch value before the epoch ends: " + m);
            assertFalse(m.containsKey("vidx"), m.toString());
        }
        assertEquals(weightedMean, end.get("fidx_epoch"), 1e-9, "batch-size-weighted epoch mean: " + end);
        assertEquals(weightedMean, end.get("fidx"), 1e-9, end.toString());
        assertEquals(2.0, end.get("idx"), "on_step only: the last step's value stays: " + end);
        assertFalse(end.containsKey("idx_epoch"), end.toString());

        assertEquals(3, atValBatchEnd.size());
        for (Map<String, Double> m : atValBatchEnd) {
            assertFalse(m.containsKey("vidx"), "validation defaults to on_epoch only: " + m);
        }
        assertEquals(weightedMean, end.get("vidx"), 1e-9, "validation epoch mean: " + end);
        assertFalse(end.containsKey("vidx_step") || end.containsKey("vidx_epoch"), "not forked: " + end);
    }

    // ------------------------------------------------------------------ CSV logger

    @Test
    void csvLoggerIsTheDefaultAndVersionsRuns() throws IOException {
        for (int run = 0; run < 2; run++) {
            try (var model = new Fixtures.Classifier();
                 var t = Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                         .seed(7).maxEpochs(1).logEveryNSteps(1).build()) {
                assertEquals(1, t.view().loggers().size(), "one default logger: " + t.view().loggers());
                t.fit(model, train16(), val4());
                Path dir = root.resolve("fulmen_logs").resolve("version_" + run);
                Path csv = dir.resolve("metrics.csv");
                assertTrue(Files.isRegularFile(csv), csv + " after fit");
                List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
                List<String> header = Arrays.asList(lines.get(0).split(","));
                for (String column : List.of("epoch", "step", "train_loss", "val_loss")) {
                    assertTrue(header.contains(column), column + " in " + header);
                }
                assertEquals(16 + 1, lines.size() - 1, "16 train steps (log_every_n_steps=1) and one validation "
                        + "row: " + lines);
                String hparams = Files.readString(dir.resolve("hparams.yaml"), StandardCharsets.UTF_8);
                assertTrue(hparams.contains("hidden: 16"), hparams);
                assertEquals(dir, t.view().logDir());
            }
        }
        assertTrue(Files.isDirectory(root.resolve("fulmen_logs/version_1")));
        assertFalse(Files.exists(root.resolve("fulmen_logs/version_2")));
    }

    // ------------------------------------------------------------------ names

    @Test
    void unknownNamesListWhatIsAvailable() {
        assertMessageContains(() -> Fixtures.quietTrainer(root).accelerator("tpu").build(), "tpu", "cpu");
        assertMessageContains(() -> Fixtures.quietTrainer(root).precision("8-mixed").build(), "8-mixed",
                "32-true");
        assertMessageContains(() -> Fixtures.quietTrainer(root).strategy("ddp").build(), "ddp", "single_device");
        assertMessageContains(() -> Trainer.builder().defaultRootDir(root).logger("nope").build(), "nope", "csv");
        IllegalStateException twoCpus = assertThrows(IllegalStateException.class,
                () -> Fixtures.quietTrainer(root).accelerator("cpu").devices(2).build());
        assertTrue(twoCpus.getMessage().contains("no strategy supports 2 device(s)"), twoCpus.getMessage());
    }

    private static void assertMessageContains(org.junit.jupiter.api.function.Executable build, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(LATCH_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
