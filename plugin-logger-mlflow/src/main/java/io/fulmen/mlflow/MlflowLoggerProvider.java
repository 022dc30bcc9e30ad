package io.fulmen.mlflow;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.LoggerContext;
import io.fulmen.spi.PluginOptions;

/**
 * The {@code "mlflow"} logger. It needs a tracking server, so it is never the default: ask for it by name.
 * Options (Lightning's {@code MLFlowLogger} arguments): {@code tracking_uri} (else {@code MLFLOW_TRACKING_URI}),
 * {@code experiment_name} (default {@code fulmen_logs}), {@code run_name}, {@code run_id}, {@code tag.<key>},
 * {@code log_model} (false, true, all), {@code prefix}, {@code artifact_location}; and for delivery
 * {@code request_timeout_s} (30), {@code flush_timeout_s} (30), {@code flush_interval_s} (1) and
 * {@code max_buffered_points} (100000).
 */
public final class MlflowLoggerProvider implements ExperimentLoggerProvider {
    @Override
    public String name() {
        return "mlflow";
    }

    @Override
    public String description() {
        return "runs, params, metrics and artifacts in an MLflow tracking server (MLFLOW_TRACKING_URI)";
    }

    @Override
    public int priority() {
        return -10;
    }

    @Override
    public ExperimentLogger create(LoggerContext context) {
        PluginOptions o = context.options() == null ? PluginOptions.empty() : context.options();
        return new MlflowLogger(MlflowSettings.from(o, System.getenv(), context.rootDir()), System.err);
    }
}
