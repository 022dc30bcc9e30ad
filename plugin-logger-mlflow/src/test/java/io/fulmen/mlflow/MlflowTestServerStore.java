package io.fulmen.mlflow;

import org.mlflow.api.proto.MlflowArtifacts;
import org.mlflow.api.proto.Service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.fulmen.mlflow.MlflowTestServerError.invalidParameter;
import static io.fulmen.mlflow.MlflowTestServerError.notFound;

/**
 * The server's state with the semantics of MLflow 2.17's SQL tracking store (mlflow/store/tracking/sqlalchemy_store.py)
 * and of the proxied artifact store behind {@code mlflow server}. Every method holds the store's lock.
 */
final class MlflowTestServerStore {
    /** What {@code mlflow server} gives runs by default (proxied artifacts, mlflow/server/__init__.py and cli.py). */
    static final String DEFAULT_ARTIFACT_ROOT = "mlflow-artifacts:/";
    static final String DEFAULT_EXPERIMENT_ID = "0";
    static final String RUN_NAME_TAG = "mlflow.runName";
    /** The SQL store's "latest" metric of a key: the greatest (step, timestamp, value), not the last to arrive. */
    private static final Comparator<Service.Metric> LATEST = Comparator.comparingLong(Service.Metric::getStep)
            .thenComparingLong(Service.Metric::getTimestamp).thenComparingDouble(Service.Metric::getValue);

    private final Map<String, StoredExperiment> experiments = new LinkedHashMap<>();
    private final Map<String, StoredRun> runs = new LinkedHashMap<>();
    private final Map<String, byte[]> artifacts = new TreeMap<>();
    private long nextExperimentId = 1;
    private String artifactRoot = DEFAULT_ARTIFACT_ROOT;
    private boolean truncateLongValues = true;

    MlflowTestServerStore() {
        experiments.put(DEFAULT_EXPERIMENT_ID,
                new StoredExperiment(DEFAULT_EXPERIMENT_ID, "Default", null, List.of(), System.currentTimeMillis()));
    }

    synchronized void artifactRoot(String root) {
        artifactRoot = root;
    }

    synchronized void truncateLongValues(boolean truncate) {
        truncateLongValues = truncate;
    }

    // ---- experiments

    synchronized String createExperiment(String name, String artifactLocation, List<Service.ExperimentTag> tags) {
        MlflowTestServerValidation.validateExperimentName(name);
        if (experimentNamed(name).isPresent()) {
            // The SQL store reports the database's unique-constraint error; its text is abbreviated here.
            throw new MlflowTestServerError(MlflowTestServerError.Code.RESOURCE_ALREADY_EXISTS, "Experiment(name="
                    + name + ") already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: experiments.name");
        }
        String id = Long.toString(nextExperimentId++);
        String location = artifactLocation.isEmpty() ? null : artifactLocation;
        experiments.put(id, new StoredExperiment(id, name, location, List.copyOf(tags), System.currentTimeMillis()));
        return id;
    }

    synchronized Service.Experiment experiment(String id) {
        return experimentOrThrow(id).toProto(artifactRoot);
    }

    synchronized Optional<Service.Experiment> experimentByName(String name) {
        return experimentNamed(name).map(e -> e.toProto(artifactRoot));
    }

    synchronized Map<String, Service.Experiment> experiments() {
        Map<String, Service.Experiment> copy = new LinkedHashMap<>();
        experiments.forEach((id, e) -> copy.put(id, e.toProto(artifactRoot)));
        return copy;
    }

    private Optional<StoredExperiment> experimentNamed(String name) {
        return experiments.values().stream().filter(e -> e.name.equals(name)).findFirst();
    }

    private StoredExperiment experimentOrThrow(String id) {
        String key = id.isEmpty() ? DEFAULT_EXPERIMENT_ID : id; // `experiment_id or DEFAULT_EXPERIMENT_ID`
        StoredExperiment e = experiments.get(key);
        if (e == null) {
            throw notFound("No Experiment with id=" + key + " exists");
        }
        return e;
    }

    // ---- runs

    synchronized Service.Run createRun(String experimentId, String userId, long startTime, List<Service.RunTag> tags,
                                       String runName) {
        StoredExperiment experiment = experimentOrThrow(experimentId);
        String runNameTag = tags.stream().filter(t -> t.getKey().equals(RUN_NAME_TAG))
                .map(Service.RunTag::getValue).findFirst().orElse("");
        if (!runName.isEmpty() && !runNameTag.isEmpty() && !runName.equals(runNameTag)) {
            throw invalidParameter("Both 'run_name' argument and 'mlflow.runName' tag are specified, but with "
                    + "different values (run_name='" + runName + "', mlflow.runName='" + runNameTag + "').");
        }
        String resolvedName = !runName.isEmpty() ? runName : !runNameTag.isEmpty() ? runNameTag : randomRunName();
        String runId = UUID.randomUUID().toString().replace("-", "");
        String artifactUri = join(join(experiment.location(artifactRoot), runId), "artifacts");
        StoredRun run = new StoredRun(runId, experiment.id, userId, startTime, resolvedName, artifactUri);
        tags.forEach(t -> run.tags.put(t.getKey(), t.getValue()));
        if (runNameTag.isEmpty()) {
            run.tags.put(RUN_NAME_TAG, resolvedName);
        }
        runs.put(runId, run);
        return run.toProto(false);
    }

    /** Active runs of these experiments whose tags include all of {@code tags}, newest first. */
    synchronized List<Service.Run> searchRuns(List<String> experimentIds, Map<String, String> tags) {
        List<Service.Run> found = new ArrayList<>();
        for (StoredRun run : runs.values()) {
            if (experimentIds.contains(run.experimentId) && run.lifecycleStage.equals("active")
                    && tags.entrySet().stream().allMatch(t -> t.getValue().equals(run.tags.get(t.getKey())))) {
                found.add(0, run.toProto(false));
            }
        }
        return found;
    }

    synchronized Service.Run getRun(String runId) {
        return runOrThrow(runId).toProto(true);
    }

    synchronized Service.RunInfo updateRunInfo(String runId, Service.RunStatus status, Long endTime, String runName) {
        StoredRun run = activeRun(runId);
        if (status != null) {
            run.status = status;
            run.statusHistory.add(status);
        }
        if (endTime != null) {
            run.endTime = endTime;
        }
        if (runName != null && !runName.isEmpty()) {
            run.name = runName;
            run.tags.put(RUN_NAME_TAG, runName);
        }
        return run.info();
    }

    synchronized void deleteRun(String runId) {
        runOrThrow(runId).lifecycleStage = "deleted";
    }

    synchronized void logMetric(String runId, Service.Metric metric) {
        MlflowTestServerValidation.validateMetric(metric);
        activeRun(runId).addMetric(metric);
    }

    synchronized void logParam(String runId, Service.Param param) {
        Service.Param stored = MlflowTestServerValidation.validateParam(param, truncateLongValues);
        StoredRun run = activeRun(runId);
        String old = run.params.get(stored.getKey());
        if (old != null && !old.equals(stored.getValue())) {
            throw invalidParameter("Changing param values is not allowed. Param with key='" + stored.getKey()
                    + "' was already logged with value='" + old + "' for run ID='" + runId
                    + "'. Attempted logging new value '" + stored.getValue() + "'.");
        }
        run.params.put(stored.getKey(), stored.getValue());
    }

    synchronized void setTag(String runId, Service.RunTag tag) {
        Service.RunTag stored = MlflowTestServerValidation.validateTag(tag, truncateLongValues);
        activeRun(runId).setTag(stored);
    }

    /** The order of checks is the SQL store's {@code log_batch}; nothing is written unless all of it is accepted. */
    synchronized void logBatch(String runId, List<Service.Metric> metrics, List<Service.Param> params,
                               List<Service.RunTag> tags) {
        MlflowTestServerValidation.validateRunId(runId);
        metrics.forEach(MlflowTestServerValidation::validateMetric);
        List<Service.Param> storedParams = params.stream()
                .map(p -> MlflowTestServerValidation.validateParam(p, truncateLongValues)).toList();
        List<Service.RunTag> storedTags = tags.stream()
                .map(t -> MlflowTestServerValidation.validateTag(t, truncateLongValues)).toList();
        MlflowTestServerValidation.validateBatchLimits(metrics.size(), params.size(), tags.size());
        MlflowTestServerValidation.validateParamKeysUnique(storedParams);
        StoredRun run = activeRun(runId);
        List<String> conflicts = new ArrayList<>();
        for (Service.Param p : storedParams) {
            String old = run.params.get(p.getKey());
            if (old != null && !old.equals(p.getValue())) {
                conflicts.add("{'key': '" + p.getKey() + "', 'old_value': '" + old + "', 'new_value': '"
                        + p.getValue() + "'}");
            }
        }
        if (!conflicts.isEmpty()) {
            throw invalidParameter("Changing param values is not allowed. Params were already logged='["
                    + String.join(", ", conflicts) + "]' for run ID='" + runId + "'.");
        }
        storedParams.forEach(p -> run.params.put(p.getKey(), p.getValue()));
        metrics.forEach(run::addMetric);
        storedTags.forEach(run::setTag);
    }

    synchronized List<MlflowTestServer.RunRecord> runs() {
        return runs.values().stream().map(StoredRun::snapshot).toList();
    }

    synchronized Optional<MlflowTestServer.RunRecord> run(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(StoredRun::snapshot);
    }

    private StoredRun runOrThrow(String runId) {
        StoredRun run = runs.get(runId);
        if (run == null) {
            throw notFound("Run with id=" + runId + " not found");
        }
        return run;
    }

    private StoredRun activeRun(String runId) {
        StoredRun run = runOrThrow(runId);
        if (!run.lifecycleStage.equals("active")) {
            throw invalidParameter("The run " + runId + " must be in the 'active' state. Current state is "
                    + run.lifecycleStage + ".");
        }
        return run;
    }

    // ---- proxied artifacts (paths are relative to the artifact destination, already validated)

    synchronized void putArtifact(String path, byte[] content) {
        artifacts.put(path, content);
    }

    synchronized Optional<byte[]> artifact(String path) {
        return Optional.ofNullable(artifacts.get(path));
    }

    /** The direct children of {@code dir} ("" for the root), sorted by name like the local artifact repository. */
    synchronized List<MlflowArtifacts.FileInfo> listArtifacts(String dir) {
        String prefix = dir.isEmpty() || dir.endsWith("/") ? dir : dir + "/";
        Map<String, MlflowArtifacts.FileInfo> children = new TreeMap<>();
        artifacts.forEach((path, content) -> {
            if (!path.startsWith(prefix)) {
                return;
            }
            String rest = path.substring(prefix.length());
            int slash = rest.indexOf('/');
            MlflowArtifacts.FileInfo.Builder info = MlflowArtifacts.FileInfo.newBuilder()
                    .setPath(slash < 0 ? rest : rest.substring(0, slash)).setIsDir(slash >= 0);
            if (slash < 0 && content.length > 0) { // FileInfo.to_proto leaves out a zero or missing size
                info.setFileSize(content.length);
            }
            children.putIfAbsent(info.getPath(), info.build());
        });
        return List.copyOf(children.values());
    }

    synchronized Map<String, byte[]> artifacts() {
        Map<String, byte[]> copy = new TreeMap<>();
        artifacts.forEach((path, content) -> copy.put(path, content.clone()));
        return copy;
    }

    /** {@code append_to_uri_path}: one slash between the parts. */
    static String join(String uri, String part) {
        return uri.endsWith("/") ? uri + part : uri + "/" + part;
    }

    /** Like {@code _generate_random_name}: {@code <adjective>-<noun>-<0..999>}. */
    private static String randomRunName() {
        String[] adjectives = {"amber", "brisk", "calm", "dapper", "eager", "fleet", "gentle", "hardy", "lucid", "nimble"};
        String[] nouns = {"otter", "heron", "lynx", "finch", "moth", "newt", "wren", "vole", "seal", "crane"};
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return adjectives[r.nextInt(adjectives.length)] + "-" + nouns[r.nextInt(nouns.length)] + "-" + r.nextInt(1000);
    }

    private static final class StoredExperiment {
        final String id;
        final String name;
        final String explicitLocation;
        final List<Service.ExperimentTag> tags;
        final long creationTime;

        StoredExperiment(String id, String name, String explicitLocation, List<Service.ExperimentTag> tags,
                         long creationTime) {
            this.id = id;
            this.name = name;
            this.explicitLocation = explicitLocation;
            this.tags = tags;
            this.creationTime = creationTime;
        }

        /** A location the client gave, else {@code <artifact root>/<id>} like the SQL store's default. */
        String location(String artifactRoot) {
            return explicitLocation != null ? explicitLocation : join(artifactRoot, id);
        }

        Service.Experiment toProto(String artifactRoot) {
            return Service.Experiment.newBuilder().setExperimentId(id).setName(name)
                    .setArtifactLocation(location(artifactRoot)).setLifecycleStage("active")
                    .setCreationTime(creationTime).setLastUpdateTime(creationTime).addAllTags(tags).build();
        }
    }

    private static final class StoredRun {
        final String id;
        final String experimentId;
        final String userId;
        final long startTime;
        final String artifactUri;
        String name;
        Service.RunStatus status = Service.RunStatus.RUNNING;
        Long endTime;
        String lifecycleStage = "active";
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, String> params = new LinkedHashMap<>();
        final List<Service.Metric> metrics = new ArrayList<>();
        final Map<String, Service.Metric> latestMetrics = new LinkedHashMap<>();
        final List<Service.RunStatus> statusHistory = new ArrayList<>();
        final java.util.Set<Service.Metric> stored = new java.util.HashSet<>();
        int duplicatesDropped;

        StoredRun(String id, String experimentId, String userId, long startTime, String name, String artifactUri) {
            this.id = id;
            this.experimentId = experimentId;
            this.userId = userId;
            this.startTime = startTime;
            this.name = name;
            this.artifactUri = artifactUri;
        }

        /**
         * Keeps each point once, in arrival order: like MLflow's SQL store, whose primary key (run, key, timestamp,
         * step, value) makes it drop a point it already has (sqlalchemy_store._log_metrics), so a batch retried
         * after a lost answer changes nothing. How many were dropped is counted.
         */
        void addMetric(Service.Metric m) {
            Service.Metric point = Service.Metric.newBuilder().setKey(m.getKey()).setValue(m.getValue())
                    .setTimestamp(m.getTimestamp()).setStep(m.getStep()).build();
            if (!stored.add(point)) {
                duplicatesDropped++;
                return;
            }
            metrics.add(point);
            latestMetrics.merge(point.getKey(), point, (old, neu) -> LATEST.compare(neu, old) > 0 ? neu : old);
        }

        /** {@code set_tag}: the run name tag renames the run (an empty one changes nothing). */
        void setTag(Service.RunTag tag) {
            if (tag.getKey().equals(RUN_NAME_TAG)) {
                if (!tag.getValue().isEmpty()) {
                    name = tag.getValue();
                    tags.put(RUN_NAME_TAG, name);
                }
            } else {
                tags.put(tag.getKey(), tag.getValue());
            }
        }

        Service.RunInfo info() {
            Service.RunInfo.Builder info = Service.RunInfo.newBuilder().setRunUuid(id).setRunId(id).setRunName(name)
                    .setExperimentId(experimentId).setUserId(userId).setStatus(status).setStartTime(startTime)
                    .setArtifactUri(artifactUri).setLifecycleStage(lifecycleStage);
            if (endTime != null) {
                info.setEndTime(endTime);
            }
            return info.build();
        }

        /** {@code Run.to_proto()}; the SQL store's get_run also sets the (empty) run inputs. */
        Service.Run toProto(boolean withInputs) {
            Service.RunData.Builder data = Service.RunData.newBuilder().addAllMetrics(latestMetrics.values());
            params.forEach((k, v) -> data.addParams(Service.Param.newBuilder().setKey(k).setValue(v)));
            tags.forEach((k, v) -> data.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
            Service.Run.Builder run = Service.Run.newBuilder().setInfo(info()).setData(data);
            if (withInputs) {
                run.setInputs(Service.RunInputs.getDefaultInstance());
            }
            return run.build();
        }

        MlflowTestServer.RunRecord snapshot() {
            return new MlflowTestServer.RunRecord(info(), Collections.unmodifiableMap(new LinkedHashMap<>(tags)),
                    Collections.unmodifiableMap(new LinkedHashMap<>(params)), List.copyOf(metrics),
                    List.copyOf(statusHistory), duplicatesDropped);
        }
    }
}
