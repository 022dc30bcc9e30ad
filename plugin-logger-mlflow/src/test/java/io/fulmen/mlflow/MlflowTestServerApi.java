package io.fulmen.mlflow;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.mlflow.api.proto.MlflowArtifacts;
import org.mlflow.api.proto.Service;
import org.mlflow_project.google.protobuf.Descriptors.FieldDescriptor;
import org.mlflow_project.google.protobuf.Message;

import java.net.URLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import static io.fulmen.mlflow.MlflowTestServerError.invalidParameter;
import static io.fulmen.mlflow.MlflowTestServerError.notFound;

/** The REST endpoints, each doing what its handler in MLflow 2.17's mlflow/server/handlers.py does. */
final class MlflowTestServerApi {
    static final String API = "/api/2.0/mlflow/";
    static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

    private static final Pattern WINDOWS_ABSOLUTE = Pattern.compile("^([A-Za-z]:[/\\\\]|[/\\\\]{2}).*");

    /** One HTTP request: the raw (undecoded) path and query, header names in lower case. */
    record Request(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(int status, String json) {
            return new Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply error(MlflowTestServerError e) {
            return json(e.httpStatus, e.toJson());
        }

        Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, contentType, body, more);
        }
    }

    private final MlflowTestServerStore store;
    private final Map<String, Function<Request, Message>> endpoints = new HashMap<>();

    MlflowTestServerApi(MlflowTestServerStore store) {
        this.store = store;
        endpoint("GET", "experiments/get-by-name", this::getExperimentByName);
        endpoint("GET", "experiments/get", this::getExperiment);
        endpoint("POST", "experiments/create", this::createExperiment);
        endpoint("POST", "runs/create", this::createRun);
        endpoint("GET", "runs/get", this::getRun);
        endpoint("POST", "runs/update", this::updateRun);
        endpoint("POST", "runs/delete", this::deleteRun);
        endpoint("POST", "runs/log-batch", this::logBatch);
        endpoint("POST", "runs/log-metric", this::logMetric);
        endpoint("POST", "runs/log-parameter", this::logParam);
        endpoint("POST", "runs/set-tag", this::setTag);
        endpoint("POST", "runs/search", this::searchRuns);
    }

    private void endpoint(String method, String path, Function<Request, Message> handler) {
        endpoints.put(method + " " + API + path, handler);
    }

    Reply handle(Request r) {
        try {
            if (r.path().equals(ARTIFACTS) || r.path().startsWith(ARTIFACTS + "/")) {
                return artifacts(r);
            }
            Function<Request, Message> endpoint = endpoints.get(r.method() + " " + r.path());
            if (endpoint == null) {
                throw endpointNotFound();
            }
            return Reply.json(200, MlflowTestServerJson.print(endpoint.apply(r)));
        } catch (MlflowTestServerError e) {
            return Reply.error(e);
        }
    }

    // ---- tracking endpoints

    private Message getExperimentByName(Request r) {
        Service.GetExperimentByName req = query(r, Service.GetExperimentByName.newBuilder()).build();
        require(!req.getExperimentName().isEmpty(), "experiment_name");
        Service.Experiment experiment = store.experimentByName(req.getExperimentName()).orElseThrow(
                () -> notFound("Could not find experiment with name '" + req.getExperimentName() + "'"));
        return Service.GetExperimentByName.Response.newBuilder().setExperiment(experiment).build();
    }

    private Message getExperiment(Request r) {
        Service.GetExperiment req = query(r, Service.GetExperiment.newBuilder()).build();
        require(!req.getExperimentId().isEmpty(), "experiment_id");
        return Service.GetExperiment.Response.newBuilder().setExperiment(store.experiment(req.getExperimentId()))
                .build();
    }

    private Message createExperiment(Request r) {
        Service.CreateExperiment req = body(r, Service.CreateExperiment.newBuilder()).build();
        require(!req.getName().isEmpty(), "name");
        String id = store.createExperiment(req.getName(), req.getArtifactLocation(), req.getTagsList());
        return Service.CreateExperiment.Response.newBuilder().setExperimentId(id).build();
    }

    private Message createRun(Request r) {
        Service.CreateRun req = body(r, Service.CreateRun.newBuilder()).build();
        Service.Run run = store.createRun(req.getExperimentId(), req.getUserId(), req.getStartTime(),
                req.getTagsList(), req.getRunName());
        return Service.CreateRun.Response.newBuilder().setRun(run).build();
    }

    private Message getRun(Request r) {
        Service.GetRun req = query(r, Service.GetRun.newBuilder()).build();
        String runId = runId(req.getRunId(), req.getRunUuid());
        return Service.GetRun.Response.newBuilder().setRun(store.getRun(runId)).build();
    }

    private Message updateRun(Request r) {
        Service.UpdateRun req = body(r, Service.UpdateRun.newBuilder()).build();
        String runId = runId(req.getRunId(), req.getRunUuid());
        Service.RunInfo info = store.updateRunInfo(runId, req.hasStatus() ? req.getStatus() : null,
                req.hasEndTime() ? req.getEndTime() : null, req.hasRunName() ? req.getRunName() : null);
        return Service.UpdateRun.Response.newBuilder().setRunInfo(info).build();
    }

    private Message deleteRun(Request r) {
        Service.DeleteRun req = body(r, Service.DeleteRun.newBuilder()).build();
        require(!req.getRunId().isEmpty(), "run_id");
        store.deleteRun(req.getRunId());
        return Service.DeleteRun.Response.getDefaultInstance();
    }

    private Message logMetric(Request r) {
        Service.LogMetric req = body(r, Service.LogMetric.newBuilder()).build();
        String runId = runId(req.getRunId(), req.getRunUuid());
        require(!req.getKey().isEmpty(), "key");
        require(req.hasValue(), "value");
        require(req.hasTimestamp(), "timestamp");
        store.logMetric(runId, Service.Metric.newBuilder().setKey(req.getKey()).setValue(req.getValue())
                .setTimestamp(req.getTimestamp()).setStep(req.getStep()).build());
        return Service.LogMetric.Response.getDefaultInstance();
    }

    private Message logParam(Request r) {
        Service.LogParam req = body(r, Service.LogParam.newBuilder()).build();
        String runId = runId(req.getRunId(), req.getRunUuid());
        require(!req.getKey().isEmpty(), "key");
        store.logParam(runId, Service.Param.newBuilder().setKey(req.getKey()).setValue(req.getValue()).build());
        return Service.LogParam.Response.getDefaultInstance();
    }

    private Message setTag(Request r) {
        Service.SetTag req = body(r, Service.SetTag.newBuilder()).build();
        String runId = runId(req.getRunId(), req.getRunUuid());
        require(!req.getKey().isEmpty(), "key");
        store.setTag(runId, Service.RunTag.newBuilder().setKey(req.getKey()).setValue(req.getValue()).build());
        return Service.SetTag.Response.getDefaultInstance();
    }

    /**
     * {@code runs/search} for what a client needs to find its own run again: filters made of
     * {@code tags.<key> = '<value>'} terms joined by {@code and} (keys may be quoted with backticks or double
     * quotes, as in MLflow's grammar). Other filters are refused rather than misread.
     */
    private Message searchRuns(Request r) {
        Service.SearchRuns req = body(r, Service.SearchRuns.newBuilder()).build();
        Map<String, String> tags = new LinkedHashMap<>();
        String filter = req.getFilter().trim();
        if (!filter.isEmpty()) {
            for (String term : filter.split("(?i)\\s+and\\s+")) {
                java.util.regex.Matcher m = TAG_TERM.matcher(term.trim());
                if (!m.matches()) {
                    throw invalidParameter("MlflowTestServer supports only tags.<key> = '<value>' filters, got '"
                            + term + "'");
                }
                String key = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                tags.put(key, m.group(4).replace("\\'", "'"));
            }
        }
        int max = req.hasMaxResults() ? req.getMaxResults() : 1000;
        List<Service.Run> found = store.searchRuns(req.getExperimentIdsList(), tags);
        return Service.SearchRuns.Response.newBuilder().addAllRuns(found.subList(0, Math.min(max, found.size())))
                .build();
    }

    private static final Pattern TAG_TERM =
            Pattern.compile("tags\\.(?:`([^`]+)`|\"([^\"]+)\"|([\\w.]+))\\s*=\\s*'((?:[^'\\\\]|\\\\.)*)'");

    private Message logBatch(Request r) {
        Service.LogBatch req = body(r, Service.LogBatch.newBuilder()).build();
        require(!req.getRunId().isEmpty(), "run_id");
        for (int i = 0; i < req.getMetricsCount(); i++) {
            Service.Metric m = req.getMetrics(i);
            require(!m.getKey().isEmpty(), "metrics[" + i + "].key");
            require(m.hasValue(), "metrics[" + i + "].value");
            require(m.hasTimestamp(), "metrics[" + i + "].timestamp");
        }
        for (int i = 0; i < req.getParamsCount(); i++) {
            require(!req.getParams(i).getKey().isEmpty(), "params[" + i + "].key");
        }
        for (int i = 0; i < req.getTagsCount(); i++) {
            require(!req.getTags(i).getKey().isEmpty(), "tags[" + i + "].key");
        }
        store.logBatch(req.getRunId(), req.getMetricsList(), req.getParamsList(), req.getTagsList());
        return Service.LogBatch.Response.getDefaultInstance();
    }

    // ---- proxied artifacts (mlflow server's default --serve-artifacts)

    private Reply artifacts(Request r) {
        if (r.path().equals(ARTIFACTS) && r.method().equals("GET")) {
            MlflowArtifacts.ListArtifacts req = query(r, MlflowArtifacts.ListArtifacts.newBuilder()).build();
            String dir = req.hasPath() ? safePath(req.getPath()) : "";
            return Reply.json(200, MlflowTestServerJson.print(
                    MlflowArtifacts.ListArtifacts.Response.newBuilder().addAllFiles(store.listArtifacts(dir))));
        }
        String rawPath = r.path().substring(Math.min(r.path().length(), ARTIFACTS.length() + 1));
        if (rawPath.isEmpty()) {
            throw endpointNotFound();
        }
        String path = safePath(rawPath);
        switch (r.method()) {
            case "PUT" -> {
                store.putArtifact(path, r.body());
                return Reply.json(200, MlflowTestServerJson.print(MlflowArtifacts.UploadArtifact.Response.getDefaultInstance()));
            }
            case "GET" -> {
                // The local artifact repository raises an OSError (an HTML 500) for a missing file; 404 is clearer.
                byte[] content = store.artifact(path)
                        .orElseThrow(() -> notFound("No such file or directory: '" + path + "'"));
                String name = path.substring(path.lastIndexOf('/') + 1);
                String type = URLConnection.guessContentTypeFromName(name);
                return new Reply(200, type == null ? "application/octet-stream" : type, content, Map.of(
                        "Content-Disposition", "attachment; filename=" + name, "X-Content-Type-Options", "nosniff"));
            }
            default -> throw endpointNotFound();
        }
    }

    /** {@code validate_path_is_safe} of mlflow/utils/uri.py: decoded until stable, relative, no {@code ..}. */
    static String safePath(String raw) {
        String path = raw;
        for (String decoded = percentDecode(path); !decoded.equals(path); decoded = percentDecode(path)) {
            path = decoded;
        }
        boolean unsafe = path.contains("#") || path.startsWith("file:") || path.startsWith("/")
                || List.of(path.split("/", -1)).contains("..") || WINDOWS_ABSOLUTE.matcher(path).matches();
        if (unsafe) {
            throw invalidParameter("Invalid path");
        }
        return path;
    }

    /** Python's {@code unquote}: no '+' to space, and a malformed escape stays as it is. */
    private static String percentDecode(String s) {
        return formDecode(s.replace("+", "%2B"));
    }

    /** A query string part, '+' being a space as werkzeug reads it. */
    private static String formDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    // ---- request parsing

    /** A POST body, after the Content-Type check of mlflow/server/validation.py. */
    private static <B extends Message.Builder> B body(Request r, B builder) {
        String contentType = r.header("content-type");
        String mediaType = contentType == null ? null : contentType.split(";")[0].trim();
        if (!"application/json".equals(mediaType)) {
            throw invalidParameter("Bad Request. Content-Type must be one of [application/json]."
                    + (contentType == null ? "" : " Got '" + mediaType + "'."));
        }
        return MlflowTestServerJson.parse(new String(r.body(), StandardCharsets.UTF_8), builder);
    }

    /**
     * A GET's query string, field by field like {@code _get_request_message}: parameters that are no field of the
     * message are ignored (as MLflow does), a repeated field takes every value, others the first.
     */
    private static <B extends Message.Builder> B query(Request r, B builder) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (r.rawQuery() != null && !r.rawQuery().isEmpty()) {
            for (String pair : r.rawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
                params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        JsonObject json = new JsonObject();
        for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
            List<String> values = params.get(field.getName());
            if (values == null) {
                continue;
            }
            if (field.isRepeated()) {
                JsonArray array = new JsonArray();
                values.forEach(array::add);
                json.add(field.getName(), array);
            } else {
                json.addProperty(field.getName(), values.get(0));
            }
        }
        return MlflowTestServerJson.parse(json.toString(), builder);
    }

    /** {@code run_id}, or {@code run_uuid} when only that is given (the schema check's fallback). */
    private static String runId(String runId, String runUuid) {
        String id = runId.isEmpty() ? runUuid : runId;
        require(!id.isEmpty(), "run_id");
        return id;
    }

    /** {@code _assert_required}: present and not the empty string. */
    private static void require(boolean present, String parameter) {
        if (!present) {
            throw invalidParameter("Missing value for required parameter '" + parameter
                    + "'. See the API docs for more information about request parameters.");
        }
    }

    private static MlflowTestServerError endpointNotFound() {
        return new MlflowTestServerError(MlflowTestServerError.Code.ENDPOINT_NOT_FOUND, "The requested URL was not "
                + "found on the server. If you entered the URL manually please check your spelling and try again.");
    }
}
