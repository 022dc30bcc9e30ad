package io.fulmen.mlflow;

import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.LogBatch;
import org.mlflow.api.proto.Service.UpdateRun;

import java.nio.file.Path;

/**
 * One thing to deliver to the tracking server, in the order the run produced it. Requests carry no run id: the
 * {@link RunWriter} fills it in once the run exists, which is what lets a run created during an outage (or in a
 * later replay) still receive everything.
 */
sealed interface RunOp {
    /** Metric points this operation carries (what the in-memory bound counts). */
    default int points() {
        return 0;
    }

    /**
     * Finds or creates the experiment, then creates the run ({@code runId == null}) or attaches to an existing one.
     * The request holds start time, run name and tags.
     */
    record StartRun(String experimentName, String artifactLocation, String runId, CreateRun request)
            implements RunOp {}

    /** Metrics and params, within MLflow's per-request limits. */
    record Log(LogBatch request) implements RunOp {
        @Override
        public int points() {
            return request.getMetricsCount() + request.getParamsCount() + request.getTagsCount();
        }
    }

    /**
     * A file for the run's artifacts at {@code artifactPath} (relative, {@code /}-separated, file name included).
     * {@code staged} files are private copies that the sender deletes once delivered.
     */
    record Upload(Path file, String artifactPath, boolean staged) implements RunOp {}

    /** Sets the final status and end time. */
    record EndRun(UpdateRun request) implements RunOp {}
}
