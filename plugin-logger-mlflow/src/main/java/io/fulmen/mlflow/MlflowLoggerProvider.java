package io.fulmen.mlflow;

import io.fulmen.logging.RunDirectory;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;

import java.util.List;

/**
 * The {@code "mlflow"} logger. It needs a tracking server, so it is never the default: ask for it by name.
 * Options ({@code mlflow.<key>}, Lightning's {@code MLFlowLogger} arguments plus delivery settings) are listed in
 * {@link #options()}. With the default experiment name and no run id, the logger keeps its local files in the
 * Trainer's shared run directory ({@link ProviderContext#runDirectory()}).
 */
public final class MlflowLoggerProvider implements ExperimentLoggerProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofString("tracking_uri", null, "the http(s) tracking server; default $MLFLOW_TRACKING_URI. "
                    + "user:password@ in it is used for basic auth and never printed"),
            OptionSpec.ofString("experiment_name", MlflowSettings.DEFAULT_EXPERIMENT, "created when missing"),
            OptionSpec.ofString("run_name", null, "the new run's name (tag mlflow.runName)"),
            OptionSpec.ofString("run_id", null, "continue this existing run"),
            OptionSpec.ofString(MlflowSettings.TAG_OPTION_PREFIX + "*", null, "a run tag: tag.<key>=<value>"),
            OptionSpec.ofEnum("log_model", "false", "which checkpoints become artifacts: true the kept ones when "
                    + "the run ends, all every one as it is saved", "false", "true", "all"),
            OptionSpec.ofString("prefix", "", "put before every metric name, joined with '-'"),
            OptionSpec.ofString("artifact_location", null, "artifact root of an experiment this logger creates"),
            OptionSpec.ofDouble("request_timeout_s", 30.0, "seconds per HTTP request"),
            OptionSpec.ofDouble("flush_timeout_s", 30.0, "seconds the end of a run waits for an unreachable server "
                    + "before saving the rest to a file"),
            OptionSpec.ofDouble("flush_interval_s", 1.0, "seconds metrics may wait to be sent together"),
            OptionSpec.ofInt("max_buffered_points", 100_000, "metric points kept in memory while the server lags"));

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
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public ExperimentLogger create(ProviderContext context) {
        MlflowSettings settings = MlflowSettings.from(context.options(), System.getenv(), context.rootDir());
        RunDirectory run = context.runDirectory();
        boolean shared = settings.runId() == null && settings.experimentName().equals(run.name());
        return new MlflowLogger(settings, System.err, shared ? run : null);
    }
}
