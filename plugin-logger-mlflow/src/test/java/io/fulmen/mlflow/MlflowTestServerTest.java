package io.fulmen.mlflow;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.MlflowArtifacts;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.MessageOrBuilder;
import org.mlflow_project.google.protobuf.util.JsonFormat;

import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlflowTestServerTest {
    private static final String API = "/api/2.0/mlflow/";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private MlflowTestServer server;

    @BeforeEach
    void start() {
        server = MlflowTestServer.start();
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void experimentsAreCreatedOnceAndFoundByNameOrId() throws Exception {
        Service.Experiment byDefault = parse(get("experiments/get-by-name?experiment_name=Default"),
                Service.GetExperimentByName.Response.newBuilder()).getExperiment();
        assertEquals("0", byDefault.getExperimentId());
        assertEquals("mlflow-artifacts:/0", byDefault.getArtifactLocation());

        var created = post("experiments/create", Service.CreateExperiment.newBuilder().setName("exp one")
                .addTags(Service.ExperimentTag.newBuilder().setKey("team").setValue("vision")));
        assertEquals("1", parse(created, Service.CreateExperiment.Response.newBuilder()).getExperimentId());
        assertError(post("experiments/create", Service.CreateExperiment.newBuilder().setName("exp one")),
                400, "RESOURCE_ALREADY_EXISTS", "Experiment(name=exp one) already exists");
        assertError(post("experiments/create", Service.CreateExperiment.newBuilder()), 400,
                "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'");

        var byName = get("experiments/get-by-name?experiment_name=" + URLEncoder.encode("exp one", StandardCharsets.UTF_8));
        Service.Experiment experiment = parse(byName, Service.GetExperimentByName.Response.newBuilder()).getExperiment();
        assertEquals("active", experiment.getLifecycleStage());
        assertEquals("vision", experiment.getTags(0).getValue());
        // MLflow's server writes int64 fields as JSON numbers, not as JsonFormat's strings
        assertTrue(json(byName).getAsJsonObject("experiment").get("creation_time").getAsJsonPrimitive().isNumber());
        assertEquals(experiment, parse(get("experiments/get?experiment_id=1"),
                Service.GetExperiment.Response.newBuilder()).getExperiment());
        assertEquals(experiment, server.experimentByName("exp one").orElseThrow());
        assertEquals(List.of("0", "1"), List.copyOf(server.experiments().keySet()));

        assertError(get("experiments/get-by-name?experiment_name=nope"), 404, "RESOURCE_DOES_NOT_EXIST",
                "Could not find experiment with name 'nope'");
        assertError(get("experiments/get?experiment_id=7"), 404, "RESOURCE_DOES_NOT_EXIST",
                "No Experiment with id=7 exists");
    }

    @Test
    void aRunKeepsEveryPointItsParamsTagsAndStatusChanges() throws Exception {
        Service.RunInfo info = createRun("1", "first");
        assertTrue(info.getRunId().matches("[0-9a-f]{32}"), info.getRunId());
        assertEquals(info.getRunId(), info.getRunUuid());
        assertEquals("first", info.getRunName());
        assertEquals(Service.RunStatus.RUNNING, info.getStatus());
        assertEquals("active", info.getLifecycleStage());
        assertEquals("mlflow-artifacts:/1/" + info.getRunId() + "/artifacts", info.getArtifactUri());

        var batch = Service.LogBatch.newBuilder().setRunId(info.getRunId())
                .addMetrics(metric("loss", 0.5, 1000, 0)).addMetrics(metric("loss", 0.25, 900, 1))
                .addMetrics(metric("acc", 0.9, 1000, 0))
                .addParams(param("lr", "0.1")).addTags(tag("team", "vision"));
        var ok = post("runs/log-batch", batch);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("{}", ok.body());
        // the same param value again is fine
        assertEquals(200, post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(info.getRunId())
                .addParams(param("lr", "0.1"))).statusCode());
        assertEquals(200, post("runs/log-metric", Service.LogMetric.newBuilder().setRunId(info.getRunId())
                .setKey("loss").setValue(0.75).setTimestamp(2000).setStep(0)).statusCode());
        assertEquals(200, post("runs/log-parameter", Service.LogParam.newBuilder().setRunId(info.getRunId())
                .setKey("optimizer").setValue("sgd")).statusCode());
        assertEquals(200, post("runs/set-tag", Service.SetTag.newBuilder().setRunId(info.getRunId())
                .setKey("mlflow.runName").setValue("renamed")).statusCode());

        var running = post("runs/update", Service.UpdateRun.newBuilder().setRunId(info.getRunId())
                .setStatus(Service.RunStatus.SCHEDULED));
        assertEquals(Service.RunStatus.SCHEDULED,
                parse(running, Service.UpdateRun.Response.newBuilder()).getRunInfo().getStatus());
        var finished = parse(post("runs/update", Service.UpdateRun.newBuilder().setRunUuid(info.getRunId())
                .setStatus(Service.RunStatus.FINISHED).setEndTime(5000)), Service.UpdateRun.Response.newBuilder());
        assertEquals(5000, finished.getRunInfo().getEndTime());

        Service.Run run = parse(get("runs/get?run_id=" + info.getRunId()), Service.GetRun.Response.newBuilder())
                .getRun();
        assertEquals(Service.RunStatus.FINISHED, run.getInfo().getStatus());
        assertEquals("renamed", run.getInfo().getRunName());
        // GetRun has the latest point per key: the greatest (step, timestamp, value), not the last to arrive
        assertEquals(Map.of("loss", 0.25, "acc", 0.9), run.getData().getMetricsList().stream()
                .collect(Collectors.toMap(Service.Metric::getKey, Service.Metric::getValue)));
        assertEquals(2, run.getData().getParamsCount());
        assertTrue(run.getData().getTagsList().contains(tag("team", "vision").build()));

        MlflowTestServer.RunRecord record = server.run(info.getRunId());
        assertEquals(List.of(0.5, 0.25, 0.9, 0.75), record.metrics().stream().map(Service.Metric::getValue).toList());
        assertEquals(List.of(0.5, 0.25, 0.75), record.metrics("loss").stream().map(Service.Metric::getValue).toList());
        assertEquals(Map.of("lr", "0.1", "optimizer", "sgd"), record.params());
        assertEquals(Map.of("mlflow.runName", "renamed", "team", "vision"), record.tags());
        assertEquals(List.of(Service.RunStatus.SCHEDULED, Service.RunStatus.FINISHED), record.statusHistory());
        assertEquals(2, server.logBatchRequests());
        assertEquals(2, server.count("/runs/update"));
    }

    @Test
    void runsNeedAnExistingExperimentAndOneName() throws Exception {
        assertError(post("runs/create", Service.CreateRun.newBuilder().setExperimentId("42")), 404,
                "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=42 exists");
        assertError(post("runs/create", Service.CreateRun.newBuilder().setExperimentId("0").setRunName("a")
                .addTags(Service.RunTag.newBuilder().setKey("mlflow.runName").setValue("b"))), 400,
                "INVALID_PARAMETER_VALUE", "Both 'run_name' argument and 'mlflow.runName' tag are specified");
        Service.RunInfo unnamed = createRun("0", null);
        assertFalse(unnamed.getRunName().isEmpty());
        assertEquals(unnamed.getRunName(), server.run(unnamed.getRunId()).tags().get("mlflow.runName"));
        assertError(get("runs/get?run_id=0123"), 404, "RESOURCE_DOES_NOT_EXIST", "Run with id=0123 not found");

        server.artifactRootForNewRuns("file:///tmp/mlruns");
        Service.RunInfo local = createRun("0", "local");
        assertEquals("file:///tmp/mlruns/0/" + local.getRunId() + "/artifacts", local.getArtifactUri());
    }

    @Test
    void logBatchEnforcesMlflowLimitsAndRules() throws Exception {
        String runId = createRun("0", "limits").getRunId();
        var tooMany = Service.LogBatch.newBuilder().setRunId(runId);
        IntStream.range(0, 1001).forEach(i -> tooMany.addMetrics(metric("m" + i, i, 1, 0)));
        assertError(post("runs/log-batch", tooMany), 400, "INVALID_PARAMETER_VALUE",
                "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up "
                        + "metrics across multiple requests and try again.");
        var total = Service.LogBatch.newBuilder().setRunId(runId);
        IntStream.range(0, 1000).forEach(i -> total.addMetrics(metric("m" + i, i, 1, 0)));
        total.addTags(tag("t", "v"));
        assertError(post("runs/log-batch", total), 400, "INVALID_PARAMETER_VALUE",
                "at most 1000 metrics, params, and tags. Got 1001");
        var params = Service.LogBatch.newBuilder().setRunId(runId);
        IntStream.range(0, 101).forEach(i -> params.addParams(param("p" + i, "v")));
        assertError(post("runs/log-batch", params), 400, "INVALID_PARAMETER_VALUE", "at most 100 params. Got 101");
        assertError(post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(runId)
                .addMetrics(metric("bad:name", 1, 1, 0))), 400, "INVALID_PARAMETER_VALUE",
                "Invalid metric name: 'bad:name'. Names may only contain alphanumerics");
        assertError(post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(runId)
                .addMetrics(metric("a/../b", 1, 1, 0))), 400, "INVALID_PARAMETER_VALUE", "would resolve to 'b'");
        assertError(post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(runId)
                .addParams(param("k".repeat(251), "v"))), 400, "INVALID_PARAMETER_VALUE",
                "had length 251, which exceeded length limit of 250");
        assertError(post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(runId)
                .addMetrics(Service.Metric.newBuilder().setKey("x").setValue(1))), 400, "INVALID_PARAMETER_VALUE",
                "Missing value for required parameter 'metrics[0].timestamp'");
        assertEquals(List.of(), server.run(runId).metrics(), "a rejected batch writes nothing");

        assertEquals(200, post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(runId)
                .addParams(param("lr", "0.1"))).statusCode());
        assertError(post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(runId)
                .addParams(param("lr", "0.2"))), 400, "INVALID_PARAMETER_VALUE",
                "Changing param values is not allowed. Params were already logged='[{'key': 'lr', "
                        + "'old_value': '0.1', 'new_value': '0.2'}]' for run ID='" + runId + "'.");
        assertError(post("runs/log-parameter", Service.LogParam.newBuilder().setRunId(runId).setKey("lr")
                .setValue("0.3")), 400, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed");

        // MLflow 2.17 cuts over-long values (MLFLOW_TRUNCATE_LONG_VALUES defaults to true) or rejects them
        assertEquals(200, post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(runId)
                .addParams(param("long", "x".repeat(6001)))).statusCode());
        assertEquals(6000, server.run(runId).params().get("long").length());
        server.truncateLongValues(false);
        assertError(post("runs/set-tag", Service.SetTag.newBuilder().setRunId(runId).setKey("t")
                .setValue("y".repeat(5001))), 400, "INVALID_PARAMETER_VALUE",
                "had length 5001, which exceeded length limit of 5000");

        assertError(post("runs/log-batch", Service.LogBatch.newBuilder().setRunId("f".repeat(32))), 404,
                "RESOURCE_DOES_NOT_EXIST", "not found");
        assertEquals(200, post("runs/delete", Service.DeleteRun.newBuilder().setRunId(runId)).statusCode());
        assertError(post("runs/log-batch", Service.LogBatch.newBuilder().setRunId(runId)
                .addMetrics(metric("x", 1, 1, 0))), 400, "INVALID_PARAMETER_VALUE",
                "must be in the 'active' state. Current state is deleted.");
    }

    @Test
    void requestsMustFitMlflowsSchema() throws Exception {
        String runId = createRun("0", "schema").getRunId();
        var unknownField = send(HttpRequest.newBuilder(uri(API + "runs/log-batch"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"run_id\": \"" + runId + "\", \"metric\": []}")));
        assertError(unknownField, 400, "INVALID_PARAMETER_VALUE", "metric");
        var camelCase = send(HttpRequest.newBuilder(uri(API + "runs/log-batch"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"runId\": \"" + runId + "\"}")));
        assertEquals(200, camelCase.statusCode(), "JsonFormat accepts the json_name too");
        var noContentType = send(HttpRequest.newBuilder(uri(API + "runs/update"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"run_id\": \"" + runId + "\"}")));
        assertError(noContentType, 400, "INVALID_PARAMETER_VALUE", "Content-Type must be one of [application/json]");
        assertError(get("runs/list"), 404, "ENDPOINT_NOT_FOUND", "not found");
        assertError(send(HttpRequest.newBuilder(uri(API + "runs/create")).GET()), 404, "ENDPOINT_NOT_FOUND", "");
    }

    @Test
    void artifactsAreStreamedThroughTheProxyAndListed() throws Exception {
        byte[] checkpoint = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(checkpoint);
        String path = "1/abc/artifacts/epoch=0-step=8/model.ckpt";
        // ofInputStream has no known length: the client sends it chunked
        var put = send(HttpRequest.newBuilder(uri("/api/2.0/mlflow-artifacts/artifacts/" + path))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(checkpoint))));
        assertEquals(200, put.statusCode(), put.body());
        assertEquals("{}", put.body());
        assertEquals(200, send(HttpRequest.newBuilder(uri("/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/a.txt"))
                .PUT(HttpRequest.BodyPublishers.ofString("hello"))).statusCode());
        assertTrue(server.requests().get(0).header("Transfer-Encoding").contains("chunked"));
        assertArrayEquals(checkpoint, server.artifacts().get(path));

        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(
                uri("/api/2.0/mlflow-artifacts/artifacts/" + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        assertArrayEquals(checkpoint, download.body());

        var list = parse(get("/api/2.0/mlflow-artifacts/artifacts?path=1/abc/artifacts"),
                MlflowArtifacts.ListArtifacts.Response.newBuilder());
        assertEquals(List.of("a.txt", "epoch=0-step=8"), list.getFilesList().stream()
                .map(MlflowArtifacts.FileInfo::getPath).toList());
        assertEquals(5, list.getFiles(0).getFileSize());
        assertTrue(list.getFiles(1).getIsDir());

        assertError(send(HttpRequest.newBuilder(uri("/api/2.0/mlflow-artifacts/artifacts/1/%2E%2E/x.txt"))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))), 400, "INVALID_PARAMETER_VALUE", "Invalid path");
        assertError(get("/api/2.0/mlflow-artifacts/artifacts/1/missing.txt"), 404, "RESOURCE_DOES_NOT_EXIST", "");
    }

    @Test
    void aStoppedServerRefusesConnectionsAndARestartKeepsItsState() throws Exception {
        post("experiments/create", Service.CreateExperiment.newBuilder().setName("kept"));
        int port = server.port();
        server.stop();
        long t0 = System.nanoTime();
        assertThrows(ConnectException.class, () -> get("experiments/get-by-name?experiment_name=kept"));
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "refused at once");

        server.restart();
        assertEquals(port, server.port());
        assertEquals(200, get("experiments/get-by-name?experiment_name=kept").statusCode());
        assertEquals(1, server.count("/experiments/get-by-name"), "the refused request never arrived");
    }

    @Test
    void injectedFailuresAndRequiredCredentials() throws Exception {
        server.failNext(2, 503);
        assertError(get("experiments/get?experiment_id=0"), 503, "TEMPORARILY_UNAVAILABLE", "Injected");
        assertError(get("experiments/get?experiment_id=0"), 503, "TEMPORARILY_UNAVAILABLE", "Injected");
        assertEquals(200, get("experiments/get?experiment_id=0").statusCode());

        server.failNextMatching("/runs/create", 1, 429);
        assertEquals(200, get("experiments/get?experiment_id=0").statusCode());
        var limited = post("runs/create", Service.CreateRun.newBuilder());
        assertError(limited, 429, "REQUEST_LIMIT_EXCEEDED", "");
        assertEquals(Optional.of("0"), limited.headers().firstValue("Retry-After"));
        assertEquals(200, post("runs/create", Service.CreateRun.newBuilder()).statusCode());

        server.requireAuthorization("Bearer tok");
        var anonymous = get("experiments/get?experiment_id=0");
        assertError(anonymous, 401, "UNAUTHENTICATED", "You are not authenticated");
        assertEquals(Optional.of("Bearer realm=\"mlflow\""), anonymous.headers().firstValue("WWW-Authenticate"));
        assertEquals(401, send(HttpRequest.newBuilder(uri(API + "experiments/get?experiment_id=0"))
                .header("Authorization", "Bearer other")).statusCode());
        var authorized = send(HttpRequest.newBuilder(uri(API + "experiments/get?experiment_id=0"))
                .header("Authorization", "Bearer tok"));
        assertEquals(200, authorized.statusCode());
        assertEquals("Bearer tok", server.requests().get(server.requests().size() - 1).header("authorization"));
    }

    @Test
    void mlflowsOwnJavaClientWorksAgainstIt() {
        try (MlflowClient client = new MlflowClient(server.uri())) {
            assertEquals(Optional.empty(), client.getExperimentByName("client"));
            String experimentId = client.createExperiment("client");
            assertEquals(experimentId, client.getExperimentByName("client").orElseThrow().getExperimentId());
            Service.RunInfo info = client.createRun(Service.CreateRun.newBuilder().setExperimentId(experimentId)
                    .setRunName("java").setStartTime(1234).build());
            client.logBatch(info.getRunId(), List.of(metric("loss", 0.5, 1300, 0).build(),
                    metric("loss", 0.4, 1400, 1).build()), List.of(param("lr", "0.1").build()),
                    List.of(tag("team", "vision").build()));
            client.setTerminated(info.getRunId(), Service.RunStatus.FINISHED, 2000);

            Service.Run run = client.getRun(info.getRunId());
            assertEquals("java", run.getInfo().getRunName());
            assertEquals(Service.RunStatus.FINISHED, run.getInfo().getStatus());
            assertEquals(2000, run.getInfo().getEndTime());
            assertEquals(0.4, run.getData().getMetrics(0).getValue());
            assertEquals("0.1", run.getData().getParams(0).getValue());
            assertEquals(List.of(Service.RunStatus.FINISHED), server.run(info.getRunId()).statusHistory());
            assertEquals(2, server.run(info.getRunId()).metrics().size());
        }
    }

    // ---- helpers

    private Service.RunInfo createRun(String experimentId, String name) throws Exception {
        var request = Service.CreateRun.newBuilder().setExperimentId(experimentId).setStartTime(100).setUserId("me");
        if (name != null) {
            request.setRunName(name);
        }
        if (!experimentId.equals("0")) {
            post("experiments/create", Service.CreateExperiment.newBuilder().setName("exp " + experimentId));
        }
        return parse(post("runs/create", request), Service.CreateRun.Response.newBuilder()).getRun().getInfo();
    }

    private static Service.Metric.Builder metric(String key, double value, long timestamp, long step) {
        return Service.Metric.newBuilder().setKey(key).setValue(value).setTimestamp(timestamp).setStep(step);
    }

    private static Service.Param.Builder param(String key, String value) {
        return Service.Param.newBuilder().setKey(key).setValue(value);
    }

    private static Service.RunTag.Builder tag(String key, String value) {
        return Service.RunTag.newBuilder().setKey(key).setValue(value);
    }

    private HttpResponse<String> post(String endpoint, MessageOrBuilder body) throws Exception {
        return send(HttpRequest.newBuilder(uri(API + endpoint)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JsonFormat.printer().print(body))));
    }

    private HttpResponse<String> get(String endpoint) throws Exception {
        return send(HttpRequest.newBuilder(uri(endpoint.startsWith("/") ? endpoint : API + endpoint)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(server.uri() + path);
    }

    private static <B extends Message.Builder> B parse(HttpResponse<String> response, B builder) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        JsonFormat.parser().merge(response.body(), builder);
        return builder;
    }

    private static JsonObject json(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    private static void assertError(HttpResponse<String> response, int status, String errorCode, String message) {
        assertEquals(status, response.statusCode(), response.body());
        JsonObject body = json(response);
        assertEquals(errorCode, body.get("error_code").getAsString(), response.body());
        assertTrue(body.get("message").getAsString().contains(message), response.body());
    }
}
