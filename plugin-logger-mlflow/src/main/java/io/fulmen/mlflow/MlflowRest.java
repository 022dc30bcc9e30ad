package io.fulmen.mlflow;

import org.mlflow.api.proto.Service.CreateExperiment;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.GetExperimentByName;
import org.mlflow.api.proto.Service.GetRun;
import org.mlflow.api.proto.Service.LogBatch;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.SearchRuns;
import org.mlflow.api.proto.Service.UpdateRun;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.MessageOrBuilder;
import org.mlflow_project.google.protobuf.util.JsonFormat;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/**
 * MLflow's REST API over {@code java.net.http}: requests and answers are MLflow's own protobuf messages (from
 * {@code mlflow-client}) in their JSON mapping. Artifacts go through the tracking server's artifact proxy
 * ({@code PUT /api/2.0/mlflow-artifacts/artifacts/...}), streamed from the file. Nothing here retries: the caller
 * decides with {@link MlflowRequestException#retryable()}.
 */
final class MlflowRest implements AutoCloseable {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final URI base;
    private final Credentials credentials;
    private final Duration timeout;
    private final HttpClient http;

    MlflowRest(URI trackingUri, Credentials credentials, Duration timeout) {
        this.base = trackingUri;
        this.credentials = credentials;
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (credentials.insecureTls()) {
            b.sslContext(trustingEverything());
        }
        this.http = b.build();
    }

    URI trackingUri() {
        return base;
    }

    Optional<Experiment> experimentByName(String name) throws MlflowRequestException {
        try {
            String json = send(get("experiments/get-by-name?experiment_name=" + encode(name)), "get experiment");
            return Optional.of(parse(json, GetExperimentByName.Response.newBuilder()).getExperiment());
        } catch (MlflowRequestException e) {
            if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode()) || e.status() == 404 && e.errorCode() == null) {
                return Optional.empty();
            }
            throw e;
        }
    }

    String createExperiment(CreateExperiment request) throws MlflowRequestException {
        String json = send(post("experiments/create", request), "create experiment");
        return parse(json, CreateExperiment.Response.newBuilder()).getExperimentId();
    }

    Run createRun(CreateRun request) throws MlflowRequestException {
        return parse(send(post("runs/create", request), "create run"), CreateRun.Response.newBuilder()).getRun();
    }

    Run getRun(String runId) throws MlflowRequestException {
        return parse(send(get("runs/get?run_id=" + encode(runId)), "get run"), GetRun.Response.newBuilder())
                .getRun();
    }

    /** The newest active run of the experiment with tag {@code key = value}. */
    Optional<RunInfo> findRunByTag(String experimentId, String key, String value) throws MlflowRequestException {
        SearchRuns search = SearchRuns.newBuilder().addExperimentIds(experimentId).setMaxResults(1)
                .setFilter("tags.`" + key + "` = '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'")
                .build();
        SearchRuns.Response found = parse(send(post("runs/search", search), "search runs"),
                SearchRuns.Response.newBuilder()).build();
        return found.getRunsCount() == 0 ? Optional.empty() : Optional.of(found.getRuns(0).getInfo());
    }

    void logBatch(LogBatch request) throws MlflowRequestException {
        send(post("runs/log-batch", request), "log batch");
    }

    void updateRun(UpdateRun request) throws MlflowRequestException {
        send(post("runs/update", request), "update run");
    }

    /** Streams {@code file} to the artifact proxy at {@code path} (below {@code mlflow-artifacts/artifacts/}). */
    void uploadArtifact(String path, Path file) throws MlflowRequestException {
        HttpRequest request;
        try {
            request = request(base + "/api/2.0/mlflow-artifacts/artifacts/" + path)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file))
                    .build();
        } catch (java.io.FileNotFoundException e) {
            throw new MlflowRequestException(-1, null, "artifact file " + file + " is gone", null, e);
        }
        send(request, "upload " + file.getFileName());
    }

    private HttpRequest get(String apiPath) {
        return request(base + "/api/2.0/mlflow/" + apiPath).GET().build();
    }

    private HttpRequest post(String apiPath, MessageOrBuilder body) {
        String json;
        try {
            json = PRINTER.print(body);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
        return request(base + "/api/2.0/mlflow/" + apiPath)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
    }

    private HttpRequest.Builder request(String uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(timeout)
                .header("User-Agent", "fulmen-mlflow-logger");
        String authorization = credentials.authorization();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private String send(HttpRequest request, String what) throws MlflowRequestException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (javax.net.ssl.SSLHandshakeException e) {
            // a certificate the JVM does not trust will not become trusted by retrying
            throw new MlflowRequestException(-1, null, what + " at " + base + ": TLS handshake failed (" + e.getMessage()
                    + "); add the server's CA to the JVM's trust store, or set MLFLOW_TRACKING_INSECURE_TLS=true to "
                    + "skip verification as MLflow's clients do", null, e);
        } catch (IOException e) {
            throw MlflowRequestException.unreachable(what + " at " + base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MlflowRequestException.unreachable(what + " at " + base, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        ErrorBody error = ErrorBody.parse(response.body());
        Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(MlflowRest::seconds).orElse(null);
        throw new MlflowRequestException(status, error.code(), what + " at " + base + " failed: HTTP " + status
                + (error.code() == null ? "" : " " + error.code()) + (error.message().isEmpty() ? ""
                : ": " + error.message()), retryAfter, null);
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static <B extends Message.Builder> B parse(String json, B builder) throws MlflowRequestException {
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new MlflowRequestException(-1, null, "the tracking server's answer is not MLflow's "
                    + builder.getDescriptorForType().getFullName() + ": " + e.getMessage(), null, e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code MLFLOW_TRACKING_INSECURE_TLS}: no certificate or host name check, as MLflow's clients do then. */
    private static SSLContext trustingEverything() {
        TrustManager trustAll = new X509ExtendedTrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}
            @Override public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS without verification", e);
        }
    }

    @Override
    public void close() {
        // java.net.http.HttpClient releases its connections when unreachable (close() arrived in Java 21)
    }
}
