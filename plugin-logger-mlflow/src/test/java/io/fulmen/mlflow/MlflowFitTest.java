package io.fulmen.mlflow;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.runtime.loop.TrainingCancelledException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real fits through the runtime with {@code logger("mlflow")} against a real MLflow REST server on 127.0.0.1. */
class MlflowFitTest {
    @TempDir
    Path root;
    MlflowTestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = MlflowTestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private TrainerBuilder trainer(RecordingLogger recorder, int epochs) {
        return Trainer.builder().defaultRootDir(root).logger(recorder).logger("mlflow")
                .option("mlflow.tracking_uri", server.uri()).option("mlflow.experiment_name", "regression")
                .maxEpochs(epochs).logEveryNSteps(1).enableProgressBar(false).enableModelSummary(false);
    }

    private static MlflowLogger mlflow(TrainerView t) {
        return (MlflowLogger) t.loggers().stream().filter(l -> l.name().equals("mlflow")).findFirst().orElseThrow();
    }

    /** Every (key, value, step) the Trainer logged arrived exactly once, with a timestamp. */
    static void assertSamePoints(List<RecordingLogger.Point> expected, List<Service.Metric> arrived) {
        Comparator<RecordingLogger.Point> order = Comparator.comparing(RecordingLogger.Point::key)
                .thenComparingLong(RecordingLogger.Point::step).thenComparingDouble(RecordingLogger.Point::value);
        List<RecordingLogger.Point> want = expected.stream().sorted(order).toList();
        List<RecordingLogger.Point> got = arrived.stream()
                .peek(m -> assertTrue(m.getTimestamp() > 1_600_000_000_000L, "timestamp " + m.getTimestamp()))
                .map(m -> new RecordingLogger.Point(m.getKey(), m.getValue(), m.getStep())).sorted(order).toList();
        assertEquals(want.size(), got.size(), "metric points: logged " + want.size() + ", arrived " + got.size());
        assertEquals(want, got);
    }

    @Test
    void aFitCreatesTheRunAndDeliversParamsMetricsTagsArtifactsAndStatus() throws Exception {
        RecordingLogger recorder = new RecordingLogger();
        ModelCheckpoint checkpoints = ModelCheckpoint.builder().monitor("val_loss").saveTopK(1).saveLast(true)
                .build();
        String runId;
        Path logDir;
        MlflowLogger logger;
        try (var module = new Regression(); var t = trainer(recorder, 3).enableModelSummary(true)
                .option("mlflow.run_name", "first").option("mlflow.tag.team", "vision")
                .option("mlflow.log_model", "true")
                .callbacks(checkpoints).build()) {
            t.fit(module, Regression.data(256, 1), Regression.data(64, 2));
            logger = mlflow(t.view());
            runId = logger.awaitRunId(java.time.Duration.ofSeconds(10)).orElseThrow();
            assertEquals(runId, logger.version());
            logDir = logger.logDir();
        }
        Service.Experiment experiment = server.experimentByName("regression").orElseThrow();
        assertEquals(1, server.runs().size());
        MlflowTestServer.RunRecord run = server.run(runId);
        assertEquals(experiment.getExperimentId(), run.info().getExperimentId());
        assertEquals("first", run.tags().get("mlflow.runName"));
        assertEquals("vision", run.tags().get("team"));
        assertEquals("LOCAL", run.tags().get("mlflow.source.type"));
        assertEquals(System.getProperty("user.name"), run.tags().get("mlflow.user"));
        assertTrue(run.tags().containsKey("mlflow.source.name"));
        assertEquals(Map.of("lr", "0.05", "optimizer", "sgd", "layers.hidden", "0", "layers.bias", "True"),
                run.params());
        assertSamePoints(recorder.points(), run.metrics());
        assertTrue(recorder.points().stream().anyMatch(p -> p.key().equals("val_loss")));
        assertEquals(List.of(Service.RunStatus.FINISHED), run.statusHistory());
        assertTrue(run.info().getEndTime() >= run.info().getStartTime());

        String base = experiment.getExperimentId() + "/" + runId + "/artifacts/";
        Map<String, byte[]> artifacts = server.artifacts();
        assertArrayEquals(Files.readAllBytes(logDir.resolve("hparams.yaml")), artifacts.get(base + "hparams.yaml"));
        assertTrue(new String(artifacts.get(base + "model_summary.txt")).contains("Params"),
                "model summary: " + artifacts.keySet());
        Path best = Path.of(checkpoints.bestModelPath());
        String stem = best.getFileName().toString().replace(".ckpt", "");
        assertArrayEquals(Files.readAllBytes(best), artifacts.get(base + stem + "/" + best.getFileName()));
        assertEquals("['latest', 'best']", new String(artifacts.get(base + stem + "/aliases.txt")));
        String metadata = new String(artifacts.get(base + stem + "/metadata.yaml"));
        assertTrue(metadata.contains("monitor: val_loss") && metadata.contains("save_top_k: 1")
                && metadata.contains("original_filename: " + best.getFileName()), metadata);
        assertArrayEquals(Files.readAllBytes(Path.of(checkpoints.lastModelPath())),
                artifacts.get(base + "last/last.ckpt"));
        assertEquals("['latest']", new String(artifacts.get(base + "last/aliases.txt")));
        assertEquals(8, artifacts.keySet().stream().filter(k -> k.startsWith(base)).count(), artifacts.keySet()
                .toString());
        assertFalse(Files.exists(logDir.resolve(UndeliveredFile.FILE_NAME)));
        assertEquals(Service.RunStatus.FINISHED, logger.experiment().getRun(runId).getInfo().getStatus(),
                "experiment() is MLflow's own client, for what the logger does not cover");
        try (var staged = Files.list(logDir.resolve(".mlflow-staging"))) {
            assertEquals(0, staged.count(), "staged copies are removed once uploaded");
        }
    }

    @Test
    void aFailingFitEndsTheRunFailedAndAnInterruptedOneKilled() throws Exception {
        RecordingLogger recorder = new RecordingLogger();
        try (var module = new Regression(5); var t = trainer(recorder, 2).enableCheckpointing(false).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> t.fit(module, Regression.data(256, 1)));
            assertTrue(e.getMessage().contains("broke"));
        }
        AtomicReference<Trainer> self = new AtomicReference<>();
        Callback cancelAtStep3 = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
                if (t.globalStep() == 3) {
                    self.get().cancel();
                }
            }
        };
        try (var module = new Regression(); var t = trainer(new RecordingLogger(), 2).enableCheckpointing(false)
                .callbacks(cancelAtStep3).build()) {
            self.set(t);
            assertThrows(TrainingCancelledException.class, () -> t.fit(module, Regression.data(256, 1)));
        }
        List<Service.RunStatus> ends = server.runs().stream()
                .sorted(Comparator.comparingLong(r -> r.info().getStartTime()))
                .map(r -> r.statusHistory().get(r.statusHistory().size() - 1)).toList();
        assertEquals(List.of(Service.RunStatus.FAILED, Service.RunStatus.KILLED), ends);
        MlflowTestServer.RunRecord failed = server.runs().stream()
                .filter(r -> r.statusHistory().contains(Service.RunStatus.FAILED)).findFirst().orElseThrow();
        assertSamePoints(recorder.points(), failed.metrics());
        assertEquals(5, failed.metrics().stream().filter(m -> m.getKey().equals("train_loss_step")).count());
    }

    @Test
    void logModelAllUploadsEveryCheckpointAsItIsSavedEvenOnesDeletedLater() throws Exception {
        // the loss falls every epoch, so each epoch's file replaces the previous one on disk
        ModelCheckpoint checkpoints = ModelCheckpoint.builder().monitor("val_loss").saveTopK(1).build();
        String runId;
        try (var module = new Regression(); var t = trainer(new RecordingLogger(), 3)
                .option("mlflow.log_model", "all").callbacks(checkpoints).build()) {
            t.fit(module, Regression.data(256, 1), Regression.data(64, 2));
            runId = mlflow(t.view()).awaitRunId(java.time.Duration.ofSeconds(10)).orElseThrow();
        }
        try (var kept = Files.list(Path.of(checkpoints.bestModelPath()).getParent())) {
            assertEquals(1, kept.count());
        }
        List<String> uploaded = server.artifacts().keySet().stream()
                .filter(k -> k.contains(runId) && k.endsWith(".ckpt")).sorted().collect(Collectors.toList());
        assertEquals(List.of("epoch=0-step=8", "epoch=1-step=16", "epoch=2-step=24"), uploaded.stream()
                .map(k -> k.substring(k.lastIndexOf('/') + 1).replace(".ckpt", "")).toList());
    }

    @Test
    void aServerOutageInTheMiddleOfAFitLosesAndDuplicatesNothing() throws Exception {
        RecordingLogger recorder = new RecordingLogger();
        List<Long> loggedWhileDown = new ArrayList<>();
        Callback outage = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
                if (t.globalStep() == 6) {
                    awaitRun(mlflow(t)); // the outage hits a run that exists, in the middle of its metrics
                    server.stop();
                }
                if (t.globalStep() >= 6 && t.globalStep() < 30) {
                    loggedWhileDown.add(t.globalStep());
                    sleep(60); // long enough for the sender to meet the outage and back off a few times
                }
                if (t.globalStep() == 30) {
                    server.restart();
                }
            }
        };
        String runId;
        try (var module = new Regression(); var t = trainer(recorder, 3).enableCheckpointing(false)
                .callbacks(outage).build()) {
            t.fit(module, Regression.data(512, 1));
            runId = mlflow(t.view()).awaitRunId(java.time.Duration.ofSeconds(30)).orElseThrow();
        }
        assertEquals(24, loggedWhileDown.size());
        MlflowTestServer.RunRecord run = server.run(runId);
        assertSamePoints(recorder.points(), run.metrics());
        assertEquals(List.of(Service.RunStatus.FINISHED), run.statusHistory());
        assertEquals(1, server.runs().size());
    }

    /** Waits until the logger knows its run (created on the server and answered). */
    static void awaitRun(MlflowLogger logger) {
        try {
            logger.awaitRunId(java.time.Duration.ofSeconds(10)).orElseThrow();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
