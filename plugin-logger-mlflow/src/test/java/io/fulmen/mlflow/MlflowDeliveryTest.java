package io.fulmen.mlflow;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.Trainer;
import io.fulmen.spi.ProviderOptions;
import io.fulmen.spi.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery through outages, refusals, limits and credentials; the undelivered file and its replay. */
class MlflowDeliveryTest {
    @TempDir
    Path root;
    MlflowTestServer server;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void startServer() throws Exception {
        server = MlflowTestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private MlflowLogger logger(String... options) {
        return logger(Map.of(), options);
    }

    private MlflowLogger logger(Map<String, String> env, String... options) {
        Map<String, String> o = new HashMap<>();
        o.put("tracking_uri", server.uri());
        o.put("experiment_name", "delivery");
        for (int i = 0; i < options.length; i += 2) {
            o.put(options[i], options[i + 1]);
        }
        return new MlflowLogger(MlflowSettings.from(MlflowOptions.of(o), env, root),
                new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    private String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    private static List<RecordingLogger.Point> points(int steps, String... keys) {
        List<RecordingLogger.Point> points = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            for (String k : keys) {
                points.add(new RecordingLogger.Point(k, step * 0.5 + k.length(), step));
            }
        }
        return points;
    }

    private static void log(MlflowLogger logger, List<RecordingLogger.Point> points) {
        for (RecordingLogger.Point p : points) {
            logger.logMetrics(Map.of(p.key(), p.value()), p.step());
        }
    }

    @Test
    void whenTheServerStaysDownTheRestIsSavedAndThePrintedReplayCommandDeliversIt() throws Exception {
        RecordingLogger recorder = new RecordingLogger();
        MlflowLogger mlflow = logger("flush_timeout_s", "1");
        Callback outage = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
                if (t.globalStep() == 4) {
                    MlflowFitTest.awaitRun(mlflow);
                    server.stop();
                }
            }
        };
        String runId;
        try (var module = new Regression(); var t = Trainer.builder().defaultRootDir(root).logger(recorder, mlflow)
                .maxEpochs(2).logEveryNSteps(1).enableProgressBar(false).enableModelSummary(false)
                .enableCheckpointing(false).callbacks(outage).build()) {
            t.fit(module, Regression.data(256, 1));
            runId = mlflow.runId().orElseThrow();
        }
        Path file = mlflow.undeliveredFile();
        assertTrue(Files.exists(file), console());
        String printed = console();
        assertTrue(printed.contains("were NOT delivered to " + server.uri()), printed);
        assertTrue(printed.contains(file.toString()), printed);
        assertTrue(server.run(runId).metrics().size() < recorder.points().size());
        assertEquals(List.of(), server.run(runId).statusHistory());

        server.restart();
        String command = printed.lines().filter(l -> l.contains(MlflowReplay.class.getName())).findFirst()
                .orElseThrow().trim();
        Process replay = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true)
                .directory(root.toFile()).start();
        String output = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(replay.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, replay.exitValue(), output);
        assertTrue(output.contains("delivered") && output.contains(runId), output);

        MlflowFitTest.assertSamePoints(recorder.points(), server.run(runId).metrics());
        assertEquals(List.of(Service.RunStatus.FINISHED), server.run(runId).statusHistory());
        assertFalse(Files.exists(file));
        assertTrue(Files.exists(file.resolveSibling(UndeliveredFile.FILE_NAME + ".replayed")));
        assertEquals(1, server.runs().size());
    }

    @Test
    void aRunTheServerNeverSawIsCreatedByTheReplay() throws Exception {
        server.stop();
        MlflowLogger mlflow = logger("flush_timeout_s", "0.3", "run_name", "offline", "tag.team", "vision");
        mlflow.logHyperparams(Map.of("lr", 0.01, "layers", 3));
        List<RecordingLogger.Point> points = points(20, "loss", "acc");
        log(mlflow, points);
        mlflow.finish(RunStatus.SUCCESS);
        assertTrue(mlflow.runId().isEmpty());
        assertTrue(console().contains("the run's creation, 40 metric points, 2 params, 1 artifact and the run's end "
                + "status were NOT delivered"), console());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = MlflowReplay.run(new String[] {"--flush-timeout-s", "0.3", mlflow.undeliveredFile().toString()},
                Map.of(),
                new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(1, status, "server still down");
        assertTrue(err.toString().contains("still not delivered"), err.toString());
        assertTrue(Files.exists(mlflow.undeliveredFile()));

        server.restart();
        status = MlflowReplay.run(new String[] {"--flush-timeout-s", "5", mlflow.undeliveredFile().toString()},
                Map.of(), new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, status, err.toString());
        MlflowTestServer.RunRecord run = server.runs().get(0);
        assertEquals("offline", run.tags().get("mlflow.runName"));
        assertEquals("vision", run.tags().get("team"));
        assertEquals(Map.of("lr", "0.01", "layers", "3"), run.params());
        MlflowFitTest.assertSamePoints(points, run.metrics());
        assertEquals(List.of(Service.RunStatus.FINISHED), run.statusHistory());
        String base = run.info().getExperimentId() + "/" + run.info().getRunId() + "/artifacts/";
        assertTrue(server.artifacts().containsKey(base + "hparams.yaml"), server.artifacts().keySet().toString());
    }

    @Test
    void aRunWhoseCreationAnswerWasLostIsFoundAgainNotCreatedTwice() throws Exception {
        server.loseAnswerNext("runs/create", 1);
        MlflowLogger mlflow = logger();
        log(mlflow, points(3, "loss"));
        mlflow.finish(RunStatus.SUCCESS);
        assertEquals(1, server.runs().size(), "one run, though the first answer never came");
        assertEquals(1, server.count("runs/search"), "looked for the run before creating it again");
        MlflowTestServer.RunRecord run = server.run(mlflow.runId().orElseThrow());
        assertEquals(3, run.metrics().size());
        assertEquals(List.of(Service.RunStatus.FINISHED), run.statusHistory());
    }

    @Test
    void aBatchWhoseAnswerWasLostIsSentAgainAndTheServerKeepsItOnce() throws Exception {
        MlflowLogger mlflow = logger();
        mlflow.awaitRunId(java.time.Duration.ofSeconds(10)).orElseThrow();
        server.loseAnswerNext("runs/log-batch", 2);
        List<RecordingLogger.Point> points = points(10, "loss", "acc");
        log(mlflow, points);
        mlflow.finish(RunStatus.SUCCESS);
        MlflowTestServer.RunRecord run = server.run(mlflow.runId().orElseThrow());
        MlflowFitTest.assertSamePoints(points, run.metrics());
        assertTrue(run.duplicatesDropped() > 0, "the retried batches were applied before their answers were lost");
    }

    @Test
    void batchesBeyondTheMemoryBoundWaitInASpillFileAndArriveAtTheEnd() throws Exception {
        server.stop();
        MlflowLogger mlflow = logger("max_buffered_points", "10");
        List<RecordingLogger.Point> points = points(100, "loss");
        log(mlflow, points);
        assertTrue(Files.exists(mlflow.logDir().resolve("mlflow-spill.jsonl")));
        server.restart();
        mlflow.finish(RunStatus.SUCCESS);
        MlflowFitTest.assertSamePoints(points, server.run(mlflow.runId().orElseThrow()).metrics());
        assertFalse(Files.exists(mlflow.logDir().resolve("mlflow-spill.jsonl")));
        assertFalse(Files.exists(mlflow.undeliveredFile()));
    }

    @Test
    void retriesThrough5xxAnd429Answers() throws Exception {
        MlflowLogger mlflow = logger();
        server.failNext(3, 503);
        List<RecordingLogger.Point> first = points(10, "loss");
        log(mlflow, first);
        String runId = mlflow.awaitRunId(java.time.Duration.ofSeconds(20)).orElseThrow();
        server.failNext(2, 429);
        List<RecordingLogger.Point> second = new ArrayList<>();
        for (int step = 10; step < 20; step++) {
            second.add(new RecordingLogger.Point("loss", step, step));
        }
        log(mlflow, second);
        mlflow.finish(RunStatus.SUCCESS);
        List<RecordingLogger.Point> all = new ArrayList<>(first);
        all.addAll(second);
        MlflowFitTest.assertSamePoints(all, server.run(runId).metrics());
        assertEquals(List.of(Service.RunStatus.FINISHED), server.run(runId).statusHistory());
        assertEquals("", console());
    }

    @Test
    void paramsAndMetricsAreFittedToMlflowsLimits() throws Exception {
        MlflowLogger mlflow = logger("prefix", "fit");
        Map<String, Object> hp = new LinkedHashMap<>();
        for (int i = 0; i < 250; i++) {
            hp.put("p" + i, i);
        }
        hp.put("notes", "x".repeat(7000));
        hp.put("nested", Map.of("inner", Map.of("flag", false), "list", List.of(1, "a", 2.5)));
        mlflow.logHyperparams(hp);
        Map<String, Double> wide = new LinkedHashMap<>();
        for (int i = 0; i < 2500; i++) {
            wide.put("m" + i, (double) i);
        }
        mlflow.logMetrics(wide, 7);
        mlflow.logMetrics(Map.of("val/acc@top1 (%)", 0.5), 8);
        mlflow.finish(RunStatus.SUCCESS);
        MlflowTestServer.RunRecord run = server.run(mlflow.runId().orElseThrow());
        assertEquals(253, run.params().size());
        assertEquals("x".repeat(RunData.MAX_PARAM_VALUE_LENGTH), run.params().get("notes"));
        assertEquals("False", run.params().get("nested.inner.flag"));
        assertEquals("[1, 'a', 2.5]", run.params().get("nested.list"));
        assertEquals(2501, run.metrics().size());
        assertTrue(run.metrics().stream().anyMatch(m -> m.getKey().equals("fit-m2499") && m.getStep() == 7));
        assertTrue(run.metrics().stream().anyMatch(m -> m.getKey().equals("fit-val/acctop1 ") && m.getStep() == 8),
                run.metrics().stream().map(Service.Metric::getKey).filter(k -> k.contains("val")).toList()
                        .toString());
        assertTrue(server.count("runs/log-batch") >= 6, "params need 3 requests, metrics 3");
    }

    @Test
    void aBatchTheServerRefusesIsSetAsideWithItsReasonAndTheRestArrives() throws Exception {
        MlflowLogger mlflow = logger();
        mlflow.logHyperparams(Map.of("lr", 0.1));
        mlflow.logHyperparams(Map.of("lr", 0.2)); // MLflow params cannot change
        log(mlflow, points(5, "loss"));
        mlflow.finish(RunStatus.SUCCESS);
        MlflowTestServer.RunRecord run = server.run(mlflow.runId().orElseThrow());
        assertEquals("0.1", run.params().get("lr"));
        assertEquals(5, run.metrics().size());
        assertEquals(List.of(Service.RunStatus.FINISHED), run.statusHistory());
        Path rejected = mlflow.logDir().resolve(UndeliveredFile.REJECTED_FILE_NAME);
        String lines = Files.readString(rejected);
        assertTrue(lines.contains("\"lr\"") && lines.contains("refused_because") && lines.contains("HTTP 400"),
                lines);
        assertTrue(console().contains("not retried: 1 param;"), console());
    }

    @Test
    void credentialsGoInTheAuthorizationHeaderAndNeverIntoMessagesOrFiles() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        server.requireAuthorization(basic);
        String uriWithPassword = server.uri().replace("http://", "http://alice:s3cret@");
        MlflowLogger mlflow = logger("tracking_uri", uriWithPassword);
        log(mlflow, points(3, "loss"));
        mlflow.finish(RunStatus.SUCCESS);
        assertEquals(3, server.run(mlflow.runId().orElseThrow()).metrics().size());

        server.requireAuthorization("Bearer tok-123");
        MlflowLogger withToken = logger(Map.of("MLFLOW_TRACKING_TOKEN", "tok-123"));
        log(withToken, points(2, "loss"));
        withToken.finish(RunStatus.SUCCESS);
        assertEquals(2, server.run(withToken.runId().orElseThrow()).metrics().size());
        assertFalse(Credentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", "tok-123")).toString()
                .contains("tok-123"));

        server.stop();
        MlflowLogger offline = logger("tracking_uri", uriWithPassword, "flush_timeout_s", "0.3");
        log(offline, points(2, "loss"));
        offline.finish(RunStatus.SUCCESS);
        assertTrue(console().contains("NOT delivered"), console());
        assertFalse(console().contains("s3cret"), console());
        assertFalse(Files.readString(offline.undeliveredFile()).contains("s3cret"));
    }

    @Test
    void aJvmExitingWithTheRunOpenDeliversWhatIsPendingAndEndsItKilled() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ExitingChild.class.getName(), server.uri(),
                root.toString(), "200").redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("ending it KILLED"), output);
        MlflowTestServer.RunRecord run = server.runs().get(0);
        assertEquals(200, run.metrics().size());
        assertEquals(List.of(Service.RunStatus.KILLED), run.statusHistory());
    }

    @Test
    void aRunIsContinuedByIdAndANewExperimentGetsItsArtifactLocation() throws Exception {
        MlflowLogger first = logger("experiment_name", "continued", "artifact_location", "file:///srv/mlflow/continued");
        log(first, points(3, "loss"));
        first.finish(RunStatus.FAILED);
        String runId = first.runId().orElseThrow();
        assertEquals("file:///srv/mlflow/continued",
                server.experimentByName("continued").orElseThrow().getArtifactLocation());

        MlflowLogger second = logger("experiment_name", "continued", "run_id", runId);
        List<RecordingLogger.Point> more = new ArrayList<>();
        for (int step = 3; step < 6; step++) {
            more.add(new RecordingLogger.Point("loss", step, step));
        }
        log(second, more);
        second.finish(RunStatus.SUCCESS);
        assertEquals(runId, second.version());
        assertEquals(runId, second.logDir().getFileName().toString());
        assertEquals(1, server.runs().size());
        List<RecordingLogger.Point> all = new ArrayList<>(points(3, "loss"));
        all.addAll(more);
        MlflowFitTest.assertSamePoints(all, server.run(runId).metrics());
        assertEquals(List.of(Service.RunStatus.FAILED, Service.RunStatus.FINISHED), server.run(runId).statusHistory());
    }

    @Test
    void aWrongRunIdStopsDeliveryAndKeepsEverythingForLater() throws Exception {
        MlflowLogger mlflow = logger("run_id", "0123456789abcdef0123456789abcdef", "flush_timeout_s", "0.3");
        log(mlflow, points(3, "loss"));
        mlflow.finish(RunStatus.SUCCESS);
        assertTrue(console().contains("3 metric points"), console());
        assertTrue(console().contains("RESOURCE_DOES_NOT_EXIST"), console());
        assertEquals(0, server.runs().size());
    }

    @Test
    void badSettingsAreRefusedWithTheFix() {
        ProviderOptions none = MlflowOptions.of(Map.of());
        IllegalArgumentException noUri = assertThrows(IllegalArgumentException.class,
                () -> MlflowSettings.from(none, Map.of(), root));
        assertTrue(noUri.getMessage().contains("MLFLOW_TRACKING_URI"), noUri.getMessage());
        IllegalArgumentException fileStore = assertThrows(IllegalArgumentException.class,
                () -> MlflowSettings.from(MlflowOptions.of(Map.of("tracking_uri", "file:./mlruns")), Map.of(), root));
        assertTrue(fileStore.getMessage().contains("mlflow server"), fileStore.getMessage());
        IllegalArgumentException logModel = assertThrows(IllegalArgumentException.class,
                () -> MlflowSettings.from(MlflowOptions.of(Map.of("tracking_uri", server.uri(), "log_model", "best")),
                        Map.of(), root));
        assertTrue(logModel.getMessage().contains("false, true or all"), logModel.getMessage());
        MlflowSettings fromEnv = MlflowSettings.from(none, Map.of("MLFLOW_TRACKING_URI", server.uri() + "/",
                "MLFLOW_TRACKING_INSECURE_TLS", "true"), root);
        assertEquals(server.uri(), fromEnv.trackingUri().toString());
        assertTrue(fromEnv.credentials().insecureTls());
    }
}
