package io.fulmen.runtime.callbacks;

import ai.djl.nn.Block;
import com.google.gson.Gson;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.pyformat.PyFormatSpec;
import io.fulmen.pyformat.PyRepr;
import io.fulmen.pyformat.PyTimedelta;
import io.fulmen.spi.ExperimentLogger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ModelCheckpoint names, keeps and deletes files as Lightning 2.2's
 * {@code lightning/pytorch/callbacks/model_checkpoint.py}: a scripted fake Trainer runs metric sequences through the
 * hooks; the expected files are worked out from {@code _save_topk_checkpoint}, {@code _update_best_and_save},
 * {@code _save_none_monitor_checkpoint}, {@code _save_last_checkpoint}, {@code format_checkpoint_name} and
 * {@code _should_skip_saving_checkpoint} (reasoning in the comments). Name formatting cases are Lightning's own
 * doctests and tests, and Python's {@code format()} results.
 */
class ModelCheckpointTest {

    /** A Trainer view the test scripts; {@code saveCheckpoint} writes a small real file and records the call. */
    static final class ScriptedTrainer extends ScriptedTrainerView {
        final List<Path> saves = new ArrayList<>();
        final List<Boolean> weightsOnly = new ArrayList<>();

        ScriptedTrainer() {
            root = null;
        }

        @Override
        public void saveCheckpoint(Path file, boolean weightsOnly) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, "epoch=" + epoch + " step=" + step);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            saves.add(file);
            this.weightsOnly.add(weightsOnly);
        }
    }

    private static final LightningModule MODULE = new LightningModule() {
        @Override
        public Block block() {
            return null;
        }
    };

    @TempDir
    Path tmp;

    private ScriptedTrainer trainer;
    private Path dir;

    @BeforeEach
    void setUp() {
        trainer = new ScriptedTrainer();
        trainer.root = tmp.resolve("root");
        dir = tmp.resolve("ckpts");
    }

    // ------------------------------------------------------------------ driving

    /** Lightning's order: setup, (sanity check), on_train_start. */
    private ModelCheckpoint start(ModelCheckpointBuilder builder) {
        ModelCheckpoint cb = builder.build();
        cb.setup(trainer, MODULE, Stage.FIT);
        cb.onTrainStart(trainer, MODULE);
        return cb;
    }

    private ModelCheckpoint start(ModelCheckpointBuilder builder, Path dirpath) {
        return start(builder.dirpath(dirpath));
    }

    /** One training epoch of {@code batches} optimizer steps, {@code metrics} logged before its end, no validation. */
    private void epoch(ModelCheckpoint cb, int epoch, int batches, Map<String, Double> metrics) {
        trainer.epoch = epoch;
        cb.onTrainEpochStart(trainer, MODULE);
        for (int b = 0; b < batches; b++) {
            trainer.step++;
            cb.onTrainBatchEnd(trainer, MODULE, null, null, b);
        }
        trainer.metrics.putAll(metrics);
        cb.onTrainEpochEnd(trainer, MODULE);
    }

    /** Epochs 0, 1, … of 10 steps each, {@code name} taking the next value at each epoch's end. */
    private void run(ModelCheckpoint cb, String name, double... values) {
        for (int i = 0; i < values.length; i++) {
            epoch(cb, i, 10, Map.of(name, values[i]));
        }
    }

    /** One validation run of one batch; {@code metrics} logged in it. */
    private void validation(ModelCheckpoint cb, Map<String, Double> metrics) {
        cb.onValidationStart(trainer, MODULE);
        cb.onValidationBatchEnd(trainer, MODULE, null, 0, 0);
        trainer.metrics.putAll(metrics);
        cb.onValidationEnd(trainer, MODULE);
    }

    private void sanityCheck(ModelCheckpoint cb) {
        trainer.sanity = true;
        validation(cb, Map.of());
        trainer.sanity = false;
    }

    /** Relative paths of the files under {@code folder}, sorted. */
    private static TreeSet<String> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return new TreeSet<>();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static TreeSet<String> set(String... names) {
        return new TreeSet<>(List.of(names));
    }

    private List<String> savedNames(ModelCheckpoint cb) {
        return trainer.saves.stream().map(p -> cb.dirpath().relativize(p).toString().replace('\\', '/'))
                .collect(Collectors.toList());
    }

    private static String path(ModelCheckpoint cb, String name) {
        return cb.dirpath().resolve(name).toString();
    }

    // ------------------------------------------------------------------ top-k with a monitor

    @Test
    void topTwoMinKeepsTheTwoBestAndDeletesTheRest() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").mode("min").saveTopK(2)
                .filename("{epoch}-{val_loss:.2f}"), dir);
        List<TreeSet<String>> after = new ArrayList<>();
        double[] values = {0.5, 0.4, 0.45, 0.3, 0.6};
        for (int i = 0; i < values.length; i++) {
            epoch(cb, i, 10, Map.of("val_loss", values[i]));
            after.add(files(dir));
        }
        // e0 0.5: fewer than 2 kept -> save. e1 0.4: fewer than 2 -> save; now 2 kept, kth = max = e0 (0.5).
        // e2 0.45 < 0.5 -> pop e0, save e2, delete e0's file; kth = e2 (0.45). e3 0.3 < 0.45 -> pop e2, save e3,
        // delete e2; kth = e1 (0.4). e4 0.6 < 0.4 is false -> nothing.
        assertEquals(List.of("epoch=0-val_loss=0.50.ckpt", "epoch=1-val_loss=0.40.ckpt",
                "epoch=2-val_loss=0.45.ckpt", "epoch=3-val_loss=0.30.ckpt"), savedNames(cb));
        assertEquals(List.of(set("epoch=0-val_loss=0.50.ckpt"),
                set("epoch=0-val_loss=0.50.ckpt", "epoch=1-val_loss=0.40.ckpt"),
                set("epoch=1-val_loss=0.40.ckpt", "epoch=2-val_loss=0.45.ckpt"),
                set("epoch=1-val_loss=0.40.ckpt", "epoch=3-val_loss=0.30.ckpt"),
                set("epoch=1-val_loss=0.40.ckpt", "epoch=3-val_loss=0.30.ckpt")), after);
        assertEquals(path(cb, "epoch=3-val_loss=0.30.ckpt"), cb.bestModelPath());
        assertEquals(0.3, cb.bestModelScore());
        assertEquals(path(cb, "epoch=1-val_loss=0.40.ckpt"), cb.kthBestModelPath());
        assertEquals(0.4, cb.kthValue());
        assertEquals(0.3, cb.currentScore()); // the last saved value; e4 was not saved
        // insertion order, as Python's dict: e1 stayed, e3 was added after it
        assertEquals(List.of(path(cb, "epoch=1-val_loss=0.40.ckpt"), path(cb, "epoch=3-val_loss=0.30.ckpt")),
                new ArrayList<>(cb.bestKModels().keySet()));
        assertEquals(List.of(false, false, false, false), trainer.weightsOnly);
        assertEquals("", cb.lastModelPath());
    }

    @Test
    void kthValueIsInfiniteUntilKAreKept() {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(3), dir);
        run(cb, "val_loss", 0.5, 0.4);
        // len(best_k_models) == k is needed before kth_best_model_path / kth_value are set
        assertEquals("", cb.kthBestModelPath());
        assertEquals(Double.POSITIVE_INFINITY, cb.kthValue());
        assertEquals(2, cb.bestKModels().size());
    }

    @Test
    void maxModeKeepsTheHighest() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_acc").mode("max").saveTopK(2)
                .filename("{epoch}-{val_acc:.2f}"), dir);
        run(cb, "val_acc", 0.5, 0.6, 0.55, 0.7, 0.4);
        // e0, e1 saved; kth = min = e0 (0.5). e2 0.55 > 0.5 -> replaces e0, kth = e2. e3 0.7 > 0.55 -> replaces e2,
        // kth = e1 (0.6). e4 0.4 > 0.6 false.
        assertEquals(set("epoch=1-val_acc=0.60.ckpt", "epoch=3-val_acc=0.70.ckpt"), files(dir));
        assertEquals(path(cb, "epoch=3-val_acc=0.70.ckpt"), cb.bestModelPath());
        assertEquals(0.7, cb.bestModelScore());
        assertEquals(path(cb, "epoch=1-val_acc=0.60.ckpt"), cb.kthBestModelPath());
        assertEquals(0.6, cb.kthValue());
    }

    @Test
    void equalValueIsNotBetterThanTheKth() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(1)
                .filename("{epoch}-{val_loss:.2f}"), dir);
        run(cb, "val_loss", 0.5, 0.5, 0.4);
        // torch.lt(0.5, 0.5) is false: the second 0.5 is not saved
        assertEquals(List.of("epoch=0-val_loss=0.50.ckpt", "epoch=2-val_loss=0.40.ckpt"), savedNames(cb));
        assertEquals(set("epoch=2-val_loss=0.40.ckpt"), files(dir));
    }

    @Test
    void saveTopKMinusOneKeepsAll() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(-1)
                .filename("{epoch}-{val_loss:.2f}"), dir);
        run(cb, "val_loss", 0.5, 0.4, 0.45, 0.3, 0.6);
        // k = len + 1 every time: nothing is popped; kth = the worst of all (max in min mode) = e4
        assertEquals(set("epoch=0-val_loss=0.50.ckpt", "epoch=1-val_loss=0.40.ckpt", "epoch=2-val_loss=0.45.ckpt",
                "epoch=3-val_loss=0.30.ckpt", "epoch=4-val_loss=0.60.ckpt"), files(dir));
        assertEquals(5, cb.bestKModels().size());
        assertEquals(path(cb, "epoch=3-val_loss=0.30.ckpt"), cb.bestModelPath());
        assertEquals(path(cb, "epoch=4-val_loss=0.60.ckpt"), cb.kthBestModelPath());
        assertEquals(0.6, cb.kthValue());
    }

    @Test
    void saveTopKZeroSavesOnlyLast() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(0).saveLast(true), dir);
        run(cb, "val_loss", 0.5, 0.4, 0.45);
        // _save_topk_checkpoint returns at once for save_top_k == 0; _save_last_checkpoint writes last.ckpt at
        // every epoch end (the same path: it exists but is last_model_path, so no -v1)
        assertEquals(List.of("last.ckpt", "last.ckpt", "last.ckpt"), savedNames(cb));
        assertEquals(set("last.ckpt"), files(dir));
        assertEquals(path(cb, "last.ckpt"), cb.lastModelPath());
        assertEquals("", cb.bestModelPath());
        assertNull(cb.bestModelScore());
        assertEquals("epoch=2 step=30", Files.readString(dir.resolve("last.ckpt")));
    }

    @Test
    void lastIsWrittenAfterTheTopKSaveEvenWhenNothingEntersTheTopK() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(1).saveLast(true)
                .filename("{epoch}-{val_loss:.2f}"), dir);
        run(cb, "val_loss", 0.5, 0.6, 0.4);
        assertEquals(List.of("epoch=0-val_loss=0.50.ckpt", "last.ckpt", "last.ckpt",
                "epoch=2-val_loss=0.40.ckpt", "last.ckpt"), savedNames(cb));
        assertEquals(set("epoch=2-val_loss=0.40.ckpt", "last.ckpt"), files(dir));
    }

    @Test
    void nanIsRecordedAsWorstAndNamedNan() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(2)
                .filename("{epoch}-{val_loss:.2f}"), dir);
        run(cb, "val_loss", Double.NaN, 0.4, 0.3);
        // e0: fewer than k -> saved with score +inf (the name is formatted from the raw value: 'nan');
        // e1 saved, kth = e0 (inf); e2 0.3 < inf -> replaces e0.
        assertEquals(List.of("epoch=0-val_loss=nan.ckpt", "epoch=1-val_loss=0.40.ckpt",
                "epoch=2-val_loss=0.30.ckpt"), savedNames(cb));
        assertEquals(set("epoch=1-val_loss=0.40.ckpt", "epoch=2-val_loss=0.30.ckpt"), files(dir));
    }

    // ------------------------------------------------------------------ without a monitor

    @Test
    void withoutMonitorKeepsOnlyTheLatest() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder(), dir);
        run(cb, "train_loss", 0.9, 0.8, 0.7, 0.6, 0.5);
        // default filename "{epoch}-{step}"; _save_none_monitor_checkpoint removes the previous best (save_top_k 1)
        assertEquals(List.of("epoch=0-step=10.ckpt", "epoch=1-step=20.ckpt", "epoch=2-step=30.ckpt",
                "epoch=3-step=40.ckpt", "epoch=4-step=50.ckpt"), savedNames(cb));
        assertEquals(set("epoch=4-step=50.ckpt"), files(dir));
        assertEquals(path(cb, "epoch=4-step=50.ckpt"), cb.bestModelPath());
        assertNull(cb.bestModelScore());
        assertTrue(cb.bestKModels().isEmpty());
    }

    @Test
    void withoutMonitorMinusOneKeepsAll() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().saveTopK(-1), dir);
        run(cb, "train_loss", 0.9, 0.8, 0.7);
        assertEquals(set("epoch=0-step=10.ckpt", "epoch=1-step=20.ckpt", "epoch=2-step=30.ckpt"), files(dir));
        assertEquals(path(cb, "epoch=2-step=30.ckpt"), cb.bestModelPath());
    }

    @Test
    void nothingIsSavedBeforeTheFirstStep() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder(), dir);
        // _last_global_step_saved starts at 0: an epoch without optimizer steps saves nothing
        epoch(cb, 0, 0, Map.of());
        assertTrue(trainer.saves.isEmpty());
        assertEquals(set(), files(dir));
    }

    @Test
    void weightsOnlyIsPassedToTheTrainer() {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().saveWeightsOnly(true).saveLast(true), dir);
        run(cb, "x", 1.0);
        assertEquals(List.of(true, true), trainer.weightsOnly);
    }

    // ------------------------------------------------------------------ triggers

    @Test
    void everyNTrainStepsNamesByStepAndSkipsTheSameStepAtEpochEnd() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().everyNTrainSteps(100).saveLast(true), dir);
        trainer.numTrainingBatches = 250;
        epoch(cb, 0, 250, Map.of());
        // steps 100 and 200 save (top-1 without monitor replaces 100 by 200), each followed by last.ckpt; at the
        // epoch end every_n_epochs is 0 (another trigger was set) so no top-k, but last.ckpt is saved again since
        // the global step moved (250 != 200)
        assertEquals(List.of("epoch=0-step=100.ckpt", "last.ckpt", "epoch=0-step=200.ckpt", "last.ckpt",
                "last.ckpt"), savedNames(cb));
        trainer.saves.clear();
        epoch(cb, 1, 250, Map.of());
        // steps 300, 400, 500; the epoch ends at step 500, already saved: _should_skip_saving_checkpoint
        assertEquals(List.of("epoch=1-step=300.ckpt", "last.ckpt", "epoch=1-step=400.ckpt", "last.ckpt",
                "epoch=1-step=500.ckpt", "last.ckpt"), savedNames(cb));
        assertEquals(set("epoch=1-step=500.ckpt", "last.ckpt"), files(dir));
        assertEquals(100, cb.everyNTrainSteps());
        assertEquals(0, cb.everyNEpochs());
    }

    @Test
    void everyNEpochs() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().everyNEpochs(2).saveTopK(-1).saveLast(true), dir);
        run(cb, "x", 1, 2, 3, 4);
        // (epoch + 1) % 2 == 0 -> epochs 1 and 3 top-k; last.ckpt every epoch end
        assertEquals(List.of("last.ckpt", "epoch=1-step=20.ckpt", "last.ckpt", "last.ckpt", "epoch=3-step=40.ckpt",
                "last.ckpt"), savedNames(cb));
        assertEquals(set("epoch=1-step=20.ckpt", "epoch=3-step=40.ckpt", "last.ckpt"), files(dir));
    }

    @Test
    void trainTimeInterval() throws Exception {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().trainTimeInterval(Duration.ofMillis(1)).saveTopK(-1),
                dir);
        trainer.epoch = 0;
        cb.onTrainEpochStart(trainer, MODULE);
        for (int b = 0; b < 3; b++) {
            Thread.sleep(5); // more than the interval since on_train_start / the last time-based save
            trainer.step++;
            cb.onTrainBatchEnd(trainer, MODULE, null, null, b);
        }
        cb.onTrainEpochEnd(trainer, MODULE); // every_n_epochs is 0 with a time trigger: nothing here
        assertEquals(List.of("epoch=0-step=1.ckpt", "epoch=0-step=2.ckpt", "epoch=0-step=3.ckpt"), savedNames(cb));

        ScriptedTrainer other = new ScriptedTrainer();
        other.root = tmp.resolve("other");
        ModelCheckpoint slow = ModelCheckpoint.builder().trainTimeInterval(Duration.ofHours(1)).build();
        slow.setup(other, MODULE, Stage.FIT);
        slow.onTrainStart(other, MODULE);
        for (int b = 0; b < 3; b++) {
            other.step++;
            slow.onTrainBatchEnd(other, MODULE, null, null, b);
        }
        slow.onTrainEpochEnd(other, MODULE);
        assertTrue(other.saves.isEmpty());
    }

    // ------------------------------------------------------------------ when: train epoch end or validation end

    @Test
    void validationAtEveryEpochEndStillSavesAtTrainEpochEnd() {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss"), dir);
        trainer.numTrainingBatches = 10;
        sanityCheck(cb); // never saves
        assertTrue(trainer.saves.isEmpty());
        for (int e = 0; e < 2; e++) {
            trainer.epoch = e;
            cb.onTrainEpochStart(trainer, MODULE);
            for (int b = 0; b < 10; b++) {
                trainer.step++;
                cb.onTrainBatchEnd(trainer, MODULE, null, null, b);
            }
            validation(cb, Map.of("val_loss", 1.0 - e));
            assertEquals(e, trainer.saves.size(), "nothing at validation end");
            cb.onTrainEpochEnd(trainer, MODULE);
            assertEquals(e + 1, trainer.saves.size(), "saved at train epoch end");
        }
    }

    @Test
    void validationEveryOtherEpochSavesAtValidationEnd() {
        // check_val_every_n_epoch=2: Lightning's _should_save_on_train_epoch_end is False, so saving happens in
        // on_validation_end, i.e. at epochs 1 and 3 only. The sanity check shows the fit validates; epoch 0 ending
        // without validation reveals the interval.
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(-1)
                .filename("{epoch}-{val_loss:.1f}"), dir);
        trainer.validationSchedule(2, 1.0);
        trainer.numTrainingBatches = 10;
        sanityCheck(cb);
        List<String> savedAt = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            trainer.epoch = e;
            cb.onTrainEpochStart(trainer, MODULE);
            for (int b = 0; b < 10; b++) {
                trainer.step++;
                cb.onTrainBatchEnd(trainer, MODULE, null, null, b);
            }
            int before = trainer.saves.size();
            if (e % 2 == 1) {
                validation(cb, Map.of("val_loss", 1.0 + e));
                if (trainer.saves.size() > before) {
                    savedAt.add("val_end@" + e);
                }
            }
            before = trainer.saves.size();
            cb.onTrainEpochEnd(trainer, MODULE);
            if (trainer.saves.size() > before) {
                savedAt.add("epoch_end@" + e);
            }
        }
        assertEquals(List.of("val_end@1", "val_end@3"), savedAt);
        assertEquals(List.of("epoch=1-val_loss=2.0.ckpt", "epoch=3-val_loss=4.0.ckpt"), savedNames(cb));
    }

    @Test
    void validationTwicePerEpochSavesAtEachValidationEnd() {
        // val_check_interval=0.5 with 10 batches: validation after batch 4 and after batch 9. Lightning saves at
        // each on_validation_end (val_check_interval != 1.0), nothing more at train epoch end (same step anyway).
        ModelCheckpoint cb = start(ModelCheckpoint.builder().saveTopK(-1), dir);
        trainer.validationSchedule(1, 0.5);
        trainer.numTrainingBatches = 10;
        trainer.epoch = 0;
        cb.onTrainEpochStart(trainer, MODULE);
        for (int b = 0; b < 10; b++) {
            trainer.step++;
            cb.onTrainBatchEnd(trainer, MODULE, null, null, b);
            if (b == 4 || b == 9) {
                validation(cb, Map.of("val_loss", 0.5));
            }
        }
        cb.onTrainEpochEnd(trainer, MODULE);
        assertEquals(List.of("epoch=0-step=5.ckpt", "epoch=0-step=10.ckpt"), savedNames(cb));
    }

    @Test
    void explicitSaveOnTrainEpochEndWins() {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().saveTopK(-1).saveOnTrainEpochEnd(true), dir);
        trainer.numTrainingBatches = 10;
        trainer.epoch = 0;
        cb.onTrainEpochStart(trainer, MODULE);
        for (int b = 0; b < 10; b++) {
            trainer.step++;
            cb.onTrainBatchEnd(trainer, MODULE, null, null, b);
            if (b == 4 || b == 9) {
                validation(cb, Map.of());
            }
        }
        cb.onTrainEpochEnd(trainer, MODULE);
        assertEquals(List.of("epoch=0-step=10.ckpt"), savedNames(cb));

        ScriptedTrainer other = new ScriptedTrainer();
        other.root = tmp.resolve("other");
        ModelCheckpoint atValidation = ModelCheckpoint.builder().saveOnTrainEpochEnd(false).build();
        atValidation.setup(other, MODULE, Stage.FIT);
        other.step = 10;
        atValidation.onTrainEpochEnd(other, MODULE);
        assertTrue(other.saves.isEmpty());
        atValidation.onValidationStart(other, MODULE);
        atValidation.onValidationEnd(other, MODULE);
        assertEquals(1, other.saves.size());
    }

    @Test
    void onlyDuringFit() {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().saveOnTrainEpochEnd(false), dir);
        trainer.stage = Stage.VALIDATE;
        trainer.step = 10;
        validation(cb, Map.of("val_loss", 0.1));
        assertTrue(trainer.saves.isEmpty());
    }

    // ------------------------------------------------------------------ the monitored metric is missing

    @Test
    void missingMonitorBeforeAnyValidationOnlySkipsTheTopK() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveLast(true), dir);
        // no validation batch ran in this fit: Lightning warns and saves no top-k (current is None), but
        // _save_last_checkpoint still runs
        run(cb, "train_loss", 0.9);
        assertEquals(List.of("last.ckpt"), savedNames(cb));
        assertEquals("", cb.bestModelPath());
    }

    @Test
    void missingMonitorAfterValidationFailsListingTheCandidates() {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss"), dir);
        trainer.numTrainingBatches = 10;
        trainer.epoch = 0;
        cb.onTrainEpochStart(trainer, MODULE);
        for (int b = 0; b < 10; b++) {
            trainer.step++;
            cb.onTrainBatchEnd(trainer, MODULE, null, null, b);
        }
        validation(cb, Map.of("val_acc", 0.7)); // val_loop._has_run is now True
        trainer.metrics.put("train_loss", 0.25);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cb.onTrainEpochEnd(trainer, MODULE));
        // list(monitor_candidates): the callback metrics in order, then the added epoch and step
        assertEquals("`ModelCheckpoint(monitor='val_loss')` could not find the monitored key in the returned"
                + " metrics: ['val_acc', 'train_loss', 'epoch', 'step']. HINT: Did you call `log('val_loss', value)`"
                + " in the `LightningModule`?", e.getMessage());
    }

    @Test
    void sanityCheckValidationDoesNotCountAsRun() {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveOnTrainEpochEnd(true)
                .saveLast(true), dir);
        sanityCheck(cb); // _has_run is only set by validation batches outside the sanity check
        run(cb, "train_loss", 0.9); // the top-k save only warns about the missing val_loss
        assertEquals(List.of("last.ckpt"), savedNames(cb));
    }

    // ------------------------------------------------------------------ names

    @Test
    void autoInsertMetricNameFalse() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(2)
                .filename("{epoch}-{val_loss:.2f}").autoInsertMetricName(false), dir);
        run(cb, "val_loss", 0.5, 0.4, 0.45, 0.3, 0.6);
        // filename.replace("{epoch", "{0[epoch]") only: "{0[epoch]}-{0[val_loss]:.2f}" -> "3-0.30"
        assertEquals(set("1-0.40.ckpt", "3-0.30.ckpt"), files(dir));
    }

    @Test
    void templateFieldMissingFromMetricsIsZero() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().filename("{epoch}-{missing:.2f}-{other:d}"), dir);
        run(cb, "x", 1.0);
        // metrics[name] = torch.tensor(0): an int, formatted with the spec
        assertEquals(set("epoch=0-missing=0.00-other=0.ckpt"), files(dir));
    }

    @Test
    void slashInAMetricNameMakesASubFolder() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val/loss").saveTopK(1)
                .filename("{epoch}-{val/loss:.2f}"), dir);
        run(cb, "val/loss", 0.5, 0.4);
        // Lightning does not replace "/": the docs advise auto_insert_metric_name=False for such names
        assertEquals(set("epoch=1-val/loss=0.40.ckpt"), files(dir));
        assertEquals(path(cb, "epoch=1-val/loss=0.40.ckpt"), cb.bestModelPath());
    }

    @Test
    void metricsLoggedAsEpochOrStepAreCastToInt() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().filename("{epoch:02d}-{step}"), dir);
        // self.log("epoch", 7) makes a float tensor: _monitor_candidates casts it with .int()
        epoch(cb, 0, 3, Map.of("epoch", 7.0, "step", 12.9));
        assertEquals(set("epoch=07-step=12.ckpt"), files(dir));
    }

    @Test
    void formatCheckpointNameAsLightningDoctests() {
        ModelCheckpoint epoch = ModelCheckpoint.builder().dirpath(dir).filename("{epoch}").build();
        Path d = epoch.dirpath();
        assertEquals(d.resolve("epoch=0.ckpt").toString(), epoch.formatCheckpointName(Map.of("epoch", 0), null, null));
        ModelCheckpoint padded = ModelCheckpoint.builder().dirpath(dir).filename("{epoch:03d}").build();
        assertEquals(d.resolve("epoch=005.ckpt").toString(),
                padded.formatCheckpointName(Map.of("epoch", 5), null, null));
        ModelCheckpoint loss = ModelCheckpoint.builder().dirpath(dir).filename("{epoch}-{val_loss:.2f}").build();
        assertEquals(d.resolve("epoch=2-val_loss=0.12.ckpt").toString(),
                loss.formatCheckpointName(Map.of("epoch", 2, "val_loss", 0.123456), null, null));
        assertEquals(d.resolve("epoch=2.ckpt").toString(),
                loss.formatCheckpointName(Map.of("epoch", 2, "val_loss", 0.12), "{epoch:d}", null));
        ModelCheckpoint noInsert = ModelCheckpoint.builder().dirpath(dir)
                .filename("epoch={epoch}-validation_loss={val_loss:.2f}").autoInsertMetricName(false).build();
        assertEquals(d.resolve("epoch=2-validation_loss=0.12.ckpt").toString(),
                noInsert.formatCheckpointName(Map.of("epoch", 2, "val_loss", 0.123456), null, null));
        ModelCheckpoint missing = ModelCheckpoint.builder().dirpath(dir).filename("{missing:d}").build();
        assertEquals(d.resolve("missing=0.ckpt").toString(), missing.formatCheckpointName(Map.of(), null, null));
        // no dirpath (before setup): the bare name
        assertEquals("step=0.ckpt",
                ModelCheckpoint.builder().filename("{step}").build().formatCheckpointName(Map.of("step", 0), null,
                        null));
        assertEquals("epoch=3-step=2.ckpt",
                ModelCheckpoint.builder().monitor("early_stop_on").build()
                        .formatCheckpointName(Map.of("epoch", 3, "step", 2), null, null));
        // with version
        assertEquals(d.resolve("name-v3.ckpt").toString(), ModelCheckpoint.builder().dirpath(dir).filename("name")
                .build().formatCheckpointName(Map.of(), null, 3));
        // docs: checkpoint_{epoch:02d}-{acc:02.0f} with epoch 1 and acc 1.12
        assertEquals("checkpoint_epoch=01-acc=01.ckpt", ModelCheckpoint.builder()
                .filename("checkpoint_{epoch:02d}-{acc:02.0f}").build()
                .formatCheckpointName(Map.of("epoch", 1, "acc", 1.12), null, null));
        // slashes
        assertEquals("epoch=4_val/loss=0.03000.ckpt", ModelCheckpoint.builder().filename("{epoch}_{val/loss:.5f}")
                .build().formatCheckpointName(Map.of("epoch", 4, "val/loss", 0.03), null, null));
    }

    @Test
    void formatCheckpointNameTemplateCases() {
        // Lightning's test_model_checkpoint_format_checkpoint_name cases on _format_checkpoint_name
        assertEquals("epoch=003-epoch_test=003", name("{epoch:03d}-{epoch_test:03d}", true, "epoch", 3,
                "epoch_test", 3));
        assertEquals("epoch=003-val_acc=0.03", name("epoch={epoch:03d}-val_acc={val_acc}", false, "epoch", 3,
                "val_acc", 0.03));
        assertEquals("mAP@0.50=0.2000", name("mAP@0.50={val/mAP@0.50:.4f}", false, "val/mAP@0.50", 0.2));
        assertEquals("step=7-epoch=03-val.loss=0.123", name("{step}-{epoch:02d}-{val.loss:.3f}", true, "epoch", 3,
                "step", 7, "val.loss", 0.1234));
        assertEquals("epoch=3-epoch=3", name("{epoch}-{epoch}", true, "epoch", 3));
        // Python rounds the exact binary value half-even: 0.125 -> 0.12, 0.375 -> 0.38
        assertEquals("a=0.12-b=0.38", name("{a:.2f}-{b:.2f}", true, "a", 0.125, "b", 0.375));
        // a float32 metric (as logged) prints its float32 value with no spec
        assertEquals("v=0.30000001192092896", name("{v}", true, "v", (double) 0.3f));
        // a conversion makes the name part of the key: missing -> 0
        assertEquals("epoch=3-val_loss!r=       0", name("{epoch}-{val_loss!r:>8}", true, "epoch", 3,
                "val_loss", 0.125));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> name("{val_loss:d}", true, "val_loss", 0.5));
        assertEquals("Unknown format code 'd' for object of type 'float'", e.getMessage());
    }

    private static String name(String template, boolean autoInsert, Object... keyValues) {
        Map<String, Number> metrics = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            metrics.put((String) keyValues[i], v instanceof Integer n ? (Number) (long) n : (Number) v);
        }
        return CheckpointFilenames.format(template, metrics, autoInsert);
    }

    @Test
    void pythonFormatting() {
        // each expectation is Python 3.11's format(value, spec) / repr(value)
        assertEquals("12.0", PyFormatSpec.format(12.0, ".3"));
        assertEquals("1.23e+03", PyFormatSpec.format(1234.5, ".3"));
        assertEquals("2.0", PyFormatSpec.format(2.0, ".3"));
        assertEquals("1e+02", PyFormatSpec.format(100.0, ".1"));
        assertEquals("0.0", PyFormatSpec.format(0.0, ".3"));
        assertEquals("0", PyFormatSpec.format(0.0, "g"));
        assertEquals("0.000123", PyFormatSpec.format(0.0001234, ".3g"));
        assertEquals("1.23457e+08", PyFormatSpec.format(123456789.0, "g"));
        assertEquals("1e-05", PyFormatSpec.format(1e-5, ""));
        assertEquals("1e+16", PyFormatSpec.format(1e16, ""));
        assertEquals("1e+22", PyFormatSpec.format(1e22, ""));
        assertEquals("0.03", PyFormatSpec.format(0.03, ""));
        assertEquals("0.30000000000000004", PyFormatSpec.format(0.1 + 0.2, ""));
        assertEquals("5.00", PyFormatSpec.format(5L, ".2f"));
        assertEquals("003", PyFormatSpec.format(3L, "03d"));
        assertEquals("-0.00", PyFormatSpec.format(-0.001, ".2f"));
        assertEquals("0.00", PyFormatSpec.format(-0.001, "z.2f"));
        assertEquals("50.000000%", PyFormatSpec.format(0.5, "%"));
        assertEquals("1,234,567.0", PyFormatSpec.format(1234567.0, ",.1f"));
        assertEquals("1.234560e+02", PyFormatSpec.format(123.456, "e"));
        assertEquals("    0.50", PyFormatSpec.format(0.5, ">8.2f"));
        assertEquals("-0001.50", PyFormatSpec.format(-1.5, "08.2f"));
        assertEquals("01", PyFormatSpec.format(1.12, "02.0f"));
        assertEquals("nan", PyFormatSpec.format(Double.NaN, ".2f"));
        assertEquals("inf", PyFormatSpec.format(Double.POSITIVE_INFINITY, "0.5f"));
        assertEquals("0xff", PyFormatSpec.format(255L, "#x"));
        assertEquals("1_234_567", PyFormatSpec.format(1234567L, "_d"));
        assertEquals("0.3000", PyFormatSpec.format(0.3, ".4f"));
        assertEquals("\"it's\"", PyRepr.repr("it's"));
        assertEquals("datetime.timedelta(seconds=3600)", PyTimedelta.repr(Duration.ofHours(1)));
        assertEquals("1:00:00", PyTimedelta.str(Duration.ofHours(1)));
        Duration odd = Duration.ofDays(2).plusSeconds(5).plusMillis(500);
        assertEquals("datetime.timedelta(days=2, seconds=5, microseconds=500000)",
                PyTimedelta.repr(odd));
        assertEquals("2 days, 0:00:05.500000", PyTimedelta.str(odd));
        assertEquals("datetime.timedelta(0)", PyTimedelta.repr(Duration.ZERO));
        assertEquals("1 day, 0:00:00", PyTimedelta.str(Duration.ofDays(1)));
    }

    // ------------------------------------------------------------------ version counter

    @Test
    void versionCounterWhenTheTargetExists() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("epoch=0-step=10.ckpt"), "someone else's");
        Files.writeString(dir.resolve("last.ckpt"), "an earlier run's");
        ModelCheckpoint cb = start(ModelCheckpoint.builder().saveLast(true), dir);
        run(cb, "x", 1, 2);
        // e0: epoch=0-step=10.ckpt exists and is not the file being replaced -> -v1; last.ckpt exists and is not
        // last_model_path -> last-v1.ckpt. e1: epoch=1-step=20.ckpt, e0's -v1 file deleted; last.ckpt still exists
        // and is not last_model_path, last-v1.ckpt exists but is -> stays last-v1.ckpt.
        assertEquals(List.of("epoch=0-step=10-v1.ckpt", "last-v1.ckpt", "epoch=1-step=20.ckpt", "last-v1.ckpt"),
                savedNames(cb));
        assertEquals(set("epoch=0-step=10.ckpt", "epoch=1-step=20.ckpt", "last.ckpt", "last-v1.ckpt"), files(dir));
        assertEquals("someone else's", Files.readString(dir.resolve("epoch=0-step=10.ckpt")));
        assertEquals(path(cb, "last-v1.ckpt"), cb.lastModelPath());
    }

    @Test
    void withoutVersionCounterTheFileIsOverwritten() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("epoch=0-step=10.ckpt"), "someone else's");
        ModelCheckpoint cb = start(ModelCheckpoint.builder().enableVersionCounter(false), dir);
        run(cb, "x", 1);
        assertEquals(List.of("epoch=0-step=10.ckpt"), savedNames(cb));
        assertEquals("epoch=0 step=10", Files.readString(dir.resolve("epoch=0-step=10.ckpt")));
    }

    @Test
    void sameNameTwiceInAnEpoch() throws IOException {
        // without monitor, top 1: the second "epoch=0" save replaces the first (del_filepath is best_model_path,
        // so no -v1), and the file is not deleted afterwards (previous == current)
        ModelCheckpoint cb = start(ModelCheckpoint.builder().filename("{epoch}").everyNTrainSteps(5), dir);
        epoch(cb, 0, 10, Map.of());
        assertEquals(List.of("epoch=0.ckpt", "epoch=0.ckpt"), savedNames(cb));
        assertEquals(set("epoch=0.ckpt"), files(dir));

        // with a monitor and top 2 nothing is replaced yet: the second save gets -v1 (the documented case)
        Path dir2 = tmp.resolve("ckpts2");
        trainer.saves.clear();
        trainer.step = 0;
        ModelCheckpoint top2 = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(2).filename("{epoch}")
                .everyNTrainSteps(5), dir2);
        trainer.metrics.put("val_loss", 0.5);
        epoch(top2, 0, 10, Map.of());
        assertEquals(List.of("epoch=0.ckpt", "epoch=0-v1.ckpt"), savedNames(top2));
    }

    // ------------------------------------------------------------------ save_last="link"

    @Test
    void saveLastAsLink() throws IOException {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveLastAsLink()
                .filename("{epoch}-{val_loss:.2f}"), dir);
        run(cb, "val_loss", 0.5, 0.4);
        Path last = dir.resolve("last.ckpt");
        assertEquals(List.of("epoch=0-val_loss=0.50.ckpt", "epoch=1-val_loss=0.40.ckpt"), savedNames(cb));
        assertTrue(Files.exists(last));
        if (Files.isSymbolicLink(last)) {
            assertEquals(Path.of("epoch=1-val_loss=0.40.ckpt"), Files.readSymbolicLink(last)); // relative
        }
        assertEquals("epoch=1 step=20", Files.readString(last));
        assertEquals(path(cb, "last.ckpt"), cb.lastModelPath());
    }

    // ------------------------------------------------------------------ directories

    @Test
    void defaultDirpathWithoutLoggerIsRootCheckpoints() {
        ModelCheckpoint cb = ModelCheckpoint.builder().build();
        cb.setup(trainer, MODULE, Stage.FIT);
        assertEquals(trainer.root.resolve("checkpoints"), cb.dirpath());
    }

    @Test
    void defaultDirpathWithLoggerIsLogDirCheckpoints() {
        trainer.loggers = List.of(new ExperimentLogger() {
            @Override
            public String name() {
                return "lightning_logs";
            }

            @Override
            public String version() {
                return "version_0";
            }

            @Override
            public void logHyperparams(Map<String, Object> params) {}

            @Override
            public void logMetrics(Map<String, Double> metrics, long step) {}
        });
        trainer.logDir = trainer.root.resolve("lightning_logs").resolve("version_0");
        ModelCheckpoint cb = ModelCheckpoint.builder().build();
        cb.setup(trainer, MODULE, Stage.FIT);
        assertEquals(trainer.root.resolve("lightning_logs/version_0/checkpoints"), cb.dirpath());
    }

    @Test
    void givenDirpathIsAbsolute() {
        ModelCheckpoint cb = ModelCheckpoint.builder().dirpath(Path.of("relative", "ckpts")).build();
        assertTrue(cb.dirpath().isAbsolute());
        assertTrue(cb.dirpath().endsWith(Path.of("relative", "ckpts")));
    }

    @Test
    void filesOutsideDirpathAreNeverDeleted() throws IOException {
        ModelCheckpoint first = start(ModelCheckpoint.builder(), dir);
        run(first, "x", 1);
        Map<String, Object> state = first.stateDict();
        // a new callback in another folder takes over best_model_path only (dirpath differs) and must not delete it
        Path other = tmp.resolve("elsewhere");
        trainer.step = 0;
        ModelCheckpoint second = start(ModelCheckpoint.builder(), other);
        second.loadStateDict(state);
        assertEquals(path(first, "epoch=0-step=10.ckpt"), second.bestModelPath());
        run(second, "x", 1);
        assertTrue(Files.exists(dir.resolve("epoch=0-step=10.ckpt")));
        assertEquals(set("epoch=0-step=10.ckpt"), files(other));
    }

    @Test
    void findLastCheckpoints() throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("last.ckpt", "last-v1.ckpt", "lastly.ckpt", "last.txt", "epoch=0.ckpt")) {
            Files.writeString(dir.resolve(f), "");
        }
        ModelCheckpoint cb = ModelCheckpoint.builder().dirpath(dir).build();
        // `^last(-(\d+))?` matched at the start of the stem, .ckpt suffix
        assertEquals(set("last-v1.ckpt", "last.ckpt", "lastly.ckpt"), cb.findLastCheckpoints(trainer).stream()
                .map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)));
    }

    // ------------------------------------------------------------------ state

    @Test
    void stateRoundTripContinuesTheTopK() throws IOException {
        ModelCheckpoint first = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(2).saveLast(true)
                .filename("{epoch}-{val_loss:.2f}"), dir);
        run(first, "val_loss", 0.5, 0.4, 0.45);
        // through JSON, as the checkpoint manifest stores it
        Gson gson = new Gson();
        @SuppressWarnings("unchecked")
        Map<String, Object> state = gson.fromJson(gson.toJson(first.stateDict()), Map.class);
        assertEquals(path(first, "epoch=1-val_loss=0.40.ckpt"), state.get("best_model_path"));
        assertEquals(first.dirpath().toString(), state.get("dirpath"));

        // resume: a new instance, same directory; setup runs before the state is restored (as in Lightning)
        ModelCheckpoint second = ModelCheckpoint.builder().monitor("val_loss").saveTopK(2).saveLast(true)
                .filename("{epoch}-{val_loss:.2f}").dirpath(dir).build();
        assertEquals(first.stateKey(), second.stateKey());
        second.setup(trainer, MODULE, Stage.FIT);
        second.loadStateDict(state);
        second.onTrainStart(trainer, MODULE);
        assertEquals(first.bestKModels(), second.bestKModels());
        assertEquals(first.kthBestModelPath(), second.kthBestModelPath());
        assertEquals(0.45, second.kthValue());
        assertEquals(0.4, second.bestModelScore());
        assertEquals(path(first, "last.ckpt"), second.lastModelPath());
        trainer.saves.clear();
        epoch(second, 3, 10, Map.of("val_loss", 0.3));
        epoch(second, 4, 10, Map.of("val_loss", 0.6));
        // as without the interruption: e3 replaces e2 (deleting the file the first instance wrote), e4 stays out;
        // last.ckpt is still last_model_path, so no -v1
        assertEquals(List.of("epoch=3-val_loss=0.30.ckpt", "last.ckpt", "last.ckpt"), savedNames(second));
        assertEquals(set("epoch=1-val_loss=0.40.ckpt", "epoch=3-val_loss=0.30.ckpt", "last.ckpt"), files(dir));
        assertEquals(path(second, "epoch=3-val_loss=0.30.ckpt"), second.bestModelPath());
        assertEquals(path(second, "epoch=1-val_loss=0.40.ckpt"), second.kthBestModelPath());
    }

    @Test
    void stateLoadedBeforeSetupIsAppliedThere() {
        ModelCheckpoint first = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(2), null);
        run(first, "val_loss", 0.5, 0.4);
        Map<String, Object> state = first.stateDict();
        ModelCheckpoint second = ModelCheckpoint.builder().monitor("val_loss").saveTopK(2).build();
        second.loadStateDict(state); // dirpath not resolved yet
        second.setup(trainer, MODULE, Stage.FIT);
        assertEquals(first.bestKModels(), second.bestKModels());
    }

    @Test
    void stateWithAnotherDirpathRestoresOnlyBestModelPath() {
        ModelCheckpoint first = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(2), dir);
        run(first, "val_loss", 0.5, 0.4);
        ModelCheckpoint second = ModelCheckpoint.builder().monitor("val_loss").saveTopK(2)
                .dirpath(tmp.resolve("moved")).build();
        second.setup(trainer, MODULE, Stage.FIT);
        second.loadStateDict(first.stateDict());
        assertEquals(first.bestModelPath(), second.bestModelPath());
        assertTrue(second.bestKModels().isEmpty());
        assertNull(second.bestModelScore());
        assertEquals("", second.kthBestModelPath());
    }

    @Test
    void stateDictKeysAndInfinities() {
        ModelCheckpoint cb = start(ModelCheckpoint.builder().monitor("val_loss").saveTopK(3), dir);
        Map<String, Object> empty = cb.stateDict();
        assertEquals(List.of("monitor", "best_model_score", "best_model_path", "current_score", "dirpath",
                "best_k_models", "kth_best_model_path", "kth_value", "last_model_path"),
                new ArrayList<>(empty.keySet()));
        assertEquals("val_loss", empty.get("monitor"));
        assertNull(empty.get("best_model_score"));
        assertEquals("Infinity", empty.get("kth_value")); // JSON has no infinity
        ModelCheckpoint other = ModelCheckpoint.builder().monitor("val_loss").saveTopK(3).mode("max").dirpath(dir)
                .build();
        other.setup(trainer, MODULE, Stage.FIT);
        other.loadStateDict(empty);
        assertEquals(Double.POSITIVE_INFINITY, other.kthValue()); // restored, not the mode's start value
    }

    @Test
    void stateKeyIsLightningsRepr() {
        assertEquals("ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', 'every_n_train_steps': 0,"
                + " 'every_n_epochs': 1, 'train_time_interval': None}",
                ModelCheckpoint.builder().monitor("val_loss").build().stateKey());
        assertEquals("ModelCheckpoint{'monitor': None, 'mode': 'min', 'every_n_train_steps': 0,"
                + " 'every_n_epochs': 0, 'train_time_interval': datetime.timedelta(seconds=3600)}",
                ModelCheckpoint.builder().trainTimeInterval(Duration.ofHours(1)).build().stateKey());
        assertEquals("ModelCheckpoint{'monitor': 'val_acc', 'mode': 'max', 'every_n_train_steps': 100,"
                + " 'every_n_epochs': 0, 'train_time_interval': None}",
                ModelCheckpoint.builder().monitor("val_acc").mode("max").everyNTrainSteps(100).build().stateKey());
    }

    // ------------------------------------------------------------------ configuration

    @Test
    void invalidConfigurationsFailAsLightning() {
        assertEquals("ModelCheckpoint(save_top_k=2, monitor=None) is not a valid configuration. No quantity for"
                + " top_k to track.", assertThrows(IllegalArgumentException.class,
                        () -> ModelCheckpoint.builder().saveTopK(2).build()).getMessage());
        assertEquals("Invalid value for save_top_k=-2. Must be >= -1", assertThrows(IllegalArgumentException.class,
                () -> ModelCheckpoint.builder().monitor("m").saveTopK(-2).build()).getMessage());
        assertEquals("`mode` can be min, max but got avg", assertThrows(IllegalArgumentException.class,
                () -> ModelCheckpoint.builder().mode("avg").build()).getMessage());
        assertEquals("Combination of parameters every_n_train_steps=10, every_n_epochs=1 and"
                + " train_time_interval=None should be mutually exclusive.",
                assertThrows(IllegalArgumentException.class,
                        () -> ModelCheckpoint.builder().everyNTrainSteps(10).everyNEpochs(1).build()).getMessage());
        assertEquals("Combination of parameters every_n_train_steps=0, every_n_epochs=2 and"
                + " train_time_interval=1:00:00 should be mutually exclusive.",
                assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.builder().everyNEpochs(2)
                        .trainTimeInterval(Duration.ofHours(1)).build()).getMessage());
        assertEquals("Invalid value for every_n_epochs=-1. Must be >= 0", assertThrows(
                IllegalArgumentException.class, () -> ModelCheckpoint.builder().everyNEpochs(-1).build())
                .getMessage());
    }

    @Test
    void defaultsAreLightnings() {
        ModelCheckpoint cb = new ModelCheckpoint();
        assertNull(cb.monitor());
        assertEquals("min", cb.mode());
        assertEquals(1, cb.saveTopK());
        assertFalse(cb.saveLast());
        assertFalse(cb.saveWeightsOnly());
        assertTrue(cb.autoInsertMetricName());
        assertTrue(cb.enableVersionCounter());
        assertEquals(1, cb.everyNEpochs());
        assertEquals(0, cb.everyNTrainSteps());
        assertNull(cb.trainTimeInterval());
        assertNull(cb.saveOnTrainEpochEnd());
        assertNull(cb.dirpath());
        assertEquals("", cb.bestModelPath());
        assertEquals(Double.POSITIVE_INFINITY, cb.kthValue());
        assertEquals(Double.NEGATIVE_INFINITY, ModelCheckpoint.builder().mode("max").build().kthValue());
        assertTrue(cb.monitorsMetrics());
    }
}
