package io.fulmen.wandb;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataSource;
import io.fulmen.runtime.CkptPath;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.spi.RunStatus;
import io.fulmen.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exit record of finished, failed and cancelled fits, and runs that continue (W&B's resume). */
class ExitAndResumeTest {
    @TempDir
    Path root;

    private TrainerBuilder builder(int epochs) {
        return Trainer.builder().defaultRootDir(root).logger("wandb").maxEpochs(epochs).seed(1).logEveryNSteps(1)
                .enableProgressBar(false).enableModelSummary(false).enableCheckpointing(false);
    }

    private RunContents onlyRun() throws Exception {
        List<Path> folders = RunContents.runFolders(root.resolve("fulmen_logs/version_0/wandb"));
        assertEquals(1, folders.size(), folders.toString());
        return RunContents.read(RunContents.log(folders.get(0)));
    }

    @Test
    void aFailedFitEndsWithExitCodeOneAfterItsLastRow() throws Exception {
        try (var model = new FailingClassifier(3); var trainer = builder(1).build()) {
            assertThrows(IllegalStateException.class, () -> trainer.fit(model, Blobs.loader(256, 1), (io.fulmen.data.DataLoader) null));
        }
        RunContents run = onlyRun();
        assertEquals(WandbLogger.FAILED_EXIT_CODE, run.exit().getExit().getExitCode());
        assertEquals(List.of(0L, 1L, 2L), List.copyOf(run.history().keySet()));
    }

    @Test
    void aCancelledFitEndsWithItsOwnExitCode() throws Exception {
        AtomicReference<Trainer> self = new AtomicReference<>();
        Callback cancelAtThirdBatch = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
                if (i == 2) {
                    self.get().cancel();
                }
            }
        };
        try (var model = new PluginTestKit.TinyClassifier(); var trainer = builder(1).callbacks(cancelAtThirdBatch)
                .build()) {
            self.set(trainer);
            assertThrows(RuntimeException.class, () -> trainer.fit(model, Blobs.loader(256, 1), (io.fulmen.data.DataLoader) null));
        }
        RunContents run = onlyRun();
        assertEquals(WandbLogger.INTERRUPTED_EXIT_CODE, run.exit().getExit().getExitCode());
        assertTrue(run.history().containsKey(2L), run.history().keySet().toString());
    }

    @Test
    void aFitResumedFromItsLastCheckpointContinuesTheRunAfterItsLastStep() throws Exception {
        DataSource data = DataSource.loaders(Blobs.loader(256, 1), null);
        try (var model = new PluginTestKit.TinyClassifier(); var trainer = builder(1).enableCheckpointing(true)
                .callbacks(ModelCheckpoint.builder().saveLast(true).build()).build()) {
            trainer.fit(model, data);
        }
        Path wandbDir = root.resolve("fulmen_logs/version_0/wandb");
        Path firstLog = RunContents.log(RunContents.runFolders(wandbDir).get(0));
        byte[] firstBytes = Files.readAllBytes(firstLog);
        RunContents first = RunContents.read(firstLog);
        assertEquals(LongStream.range(0, 8).boxed().toList(), List.copyOf(first.history().keySet()));

        try (var model = new PluginTestKit.TinyClassifier(); var trainer = builder(2).enableCheckpointing(true)
                .callbacks(ModelCheckpoint.builder().saveLast(true).build()).build()) {
            trainer.fit(model, data, CkptPath.LAST);
        }
        List<Path> folders = RunContents.runFolders(wandbDir);
        assertEquals(2, folders.size(), "a continued run gets a folder of its own: " + folders);
        assertArrayEquals(firstBytes, Files.readAllBytes(firstLog), "the earlier log is never rewritten");
        RunContents second = RunContents.read(RunContents.log(folders.get(1)));
        String id = first.run().getRun().getRunId();
        assertEquals(id, second.run().getRun().getRunId(), "the same run id");
        assertEquals(8, second.run().getRun().getStartingStep());
        assertEquals(LongStream.range(8, 16).boxed().toList(), List.copyOf(second.history().keySet()));
        assertEquals(0, second.exit().getExit().getExitCode());
        double lastRuntime = Double.parseDouble(first.history().get(7L).get("_runtime"));
        assertTrue(Double.parseDouble(second.history().get(8L).get("_runtime")) >= lastRuntime, "runtime goes on");
    }

    @Test
    void aGivenIdContinuesItsRunAndDropsStepsBeforeItsStartingStep() throws Exception {
        WandbLogger first = WandbLogger.builder(root).saveDir(Path.of("runs")).id("same").build();
        for (long step = 0; step < 5; step++) {
            first.logMetrics(Map.of("x", (double) step), step);
        }
        first.finish(RunStatus.SUCCESS);
        WandbLogger second = WandbLogger.builder(root).saveDir(Path.of("runs")).id("same").build();
        for (long step = 3; step < 8; step++) {
            second.logMetrics(Map.of("x", (double) step), step);
        }
        WandbRun continued = second.experiment();
        assertEquals(5, continued.startingStep());
        assertEquals(2, continued.droppedValues(), "steps 3 and 4 were written by the earlier run");
        second.finish(RunStatus.SUCCESS);
        RunContents run = RunContents.read(continued.file());
        assertEquals(List.of(5L, 6L, 7L), List.copyOf(run.history().keySet()));
        assertEquals(2, RunContents.runFolders(root.resolve("runs/wandb")).size());
    }
}
