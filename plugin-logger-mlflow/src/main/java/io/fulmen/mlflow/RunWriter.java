package io.fulmen.mlflow;

import org.mlflow.api.proto.Service.CreateExperiment;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;

import java.util.Optional;

/**
 * Carries {@link RunOp}s out against one tracking server for one run: it remembers the run once started and adds
 * its id to every later request. Not thread-safe; the sender (or a replay) owns it.
 */
final class RunWriter {
    /**
     * A tag with a key the client draws for each new run. Creating a run is the one request that is not
     * idempotent: when an answer is lost (a timeout, a proxy closing the connection) the server may have created
     * the run anyway, so before trying again the writer looks for a run with its key.
     */
    static final String RUN_KEY_TAG = "fulmen.run_key";

    private final MlflowRest rest;
    private final boolean lookBeforeCreating;
    private volatile RunInfo run;
    private ArtifactTarget artifacts;
    private boolean createAttempted;

    /**
     * @param lookBeforeCreating look for the run by its key before the first creation too (a replay: the process
     *                           that wrote the file may have created the run without hearing about it)
     */
    RunWriter(MlflowRest rest, boolean lookBeforeCreating) {
        this.rest = rest;
        this.lookBeforeCreating = lookBeforeCreating;
    }

    /** Attaches to a run that already exists (a replay of a file written after the run was created). */
    void attach(String runId) throws MlflowRequestException {
        Run existing = rest.getRun(runId);
        use(existing.getInfo());
    }

    Optional<RunInfo> run() {
        return Optional.ofNullable(run);
    }

    MlflowRest rest() {
        return rest;
    }

    void execute(RunOp op) throws MlflowRequestException {
        if (op instanceof RunOp.StartRun s) {
            start(s);
            return;
        }
        RunInfo current = run;
        if (current == null) {
            throw new IllegalStateException("no run yet: start_run must come first");
        }
        if (op instanceof RunOp.Log l) {
            rest.logBatch(l.request().toBuilder().setRunId(current.getRunId()).build());
        } else if (op instanceof RunOp.Upload u) {
            artifacts.put(rest, u.file(), u.artifactPath());
        } else if (op instanceof RunOp.EndRun e) {
            rest.updateRun(e.request().toBuilder().setRunId(current.getRunId()).setRunUuid(current.getRunId())
                    .build());
        }
    }

    private void start(RunOp.StartRun s) throws MlflowRequestException {
        if (run != null) {
            return; // a replayed start of a run that was created meanwhile
        }
        if (s.runId() != null) {
            attach(s.runId());
            return;
        }
        String experimentId = experimentId(s.experimentName(), s.artifactLocation());
        String key = runKey(s);
        if (key != null && (createAttempted || lookBeforeCreating)) {
            Optional<RunInfo> created = rest.findRunByTag(experimentId, RUN_KEY_TAG, key);
            if (created.isPresent()) {
                use(created.get());
                return;
            }
        }
        createAttempted = true;
        use(rest.createRun(s.request().toBuilder().setExperimentId(experimentId).build()).getInfo());
    }

    private static String runKey(RunOp.StartRun s) {
        return s.request().getTagsList().stream().filter(t -> t.getKey().equals(RUN_KEY_TAG))
                .map(t -> t.getValue()).findFirst().orElse(null);
    }

    private String experimentId(String name, String artifactLocation) throws MlflowRequestException {
        Optional<Experiment> existing = rest.experimentByName(name);
        if (existing.isPresent()) {
            return existing.get().getExperimentId();
        }
        CreateExperiment.Builder create = CreateExperiment.newBuilder().setName(name);
        if (artifactLocation != null) {
            create.setArtifactLocation(artifactLocation);
        }
        try {
            return rest.createExperiment(create.build());
        } catch (MlflowRequestException e) {
            if ("RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) { // another process created it just now
                Optional<Experiment> raced = rest.experimentByName(name);
                if (raced.isPresent()) {
                    return raced.get().getExperimentId();
                }
            }
            throw e;
        }
    }

    private void use(RunInfo info) {
        this.artifacts = ArtifactTarget.of(info.getArtifactUri());
        this.run = info;
    }
}
