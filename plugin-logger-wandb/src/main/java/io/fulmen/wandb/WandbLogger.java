package io.fulmen.wandb;

import io.fulmen.logging.RunDirectory;
import io.fulmen.spi.CheckpointSaved;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;
import org.apiguardian.api.API;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Logs to a Weights &amp; Biases offline run, as Lightning's {@code WandbLogger} in {@code mode="offline"} (the only
 * mode: no W&amp;B server is contacted; upload the run later with {@code wandb sync <run folder>}).
 *
 * <p>The run is {@code <save_dir>/wandb/offline-run-<yyyyMMdd_HHmmss>-<id>/}; by default {@code save_dir} is the
 * Trainer's run directory ({@code <root>/fulmen_logs/version_N}, shared with the checkpoints and other loggers of the
 * fit). The run starts lazily, at the first call that needs it. Hyperparameters become config records, metrics
 * history rows at their step with a summary update ({@link WandbRun}), and {@link #finish} writes the exit record:
 * exit code 0 for {@link RunStatus#SUCCESS}, {@value #FAILED_EXIT_CODE} for {@link RunStatus#FAILED} and
 * {@value #INTERRUPTED_EXIT_CODE} for {@link RunStatus#INTERRUPTED}.
 *
 * <p>A run continues (W&amp;B's resume) when its folder already holds a run of the same id: the given id, or, with the
 * default {@code save_dir}, the newest run in the Trainer's run directory (a fit resumed with
 * {@code ckpt_path="last"} continues that directory). The continued run gets a new folder with the same id and a new
 * log whose steps start after the last step written before; earlier folders are never changed. All methods are
 * thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class WandbLogger implements ExperimentLogger {
    /** The exit code of a failed fit. */
    public static final int FAILED_EXIT_CODE = 1;
    /** The exit code of a cancelled fit: 128 + SIGINT, what a shell reports for Ctrl+C. */
    public static final int INTERRUPTED_EXIT_CODE = 130;

    private static final System.Logger LOG = System.getLogger(WandbLogger.class.getName());

    private final WandbSettings settings;
    private WandbRun run;
    private CheckpointSaved lastCheckpoint;
    private boolean finished;

    WandbLogger(WandbSettings settings) {
        this.settings = settings;
    }

    /** Starts a logger configuration writing under {@code rootDir} (the Trainer's root). */
    public static WandbSettings.Builder builder(Path rootDir) {
        return WandbSettings.builder(rootDir);
    }

    /** The project (Lightning's {@code WandbLogger.name}). */
    @Override
    public String name() {
        return settings.project();
    }

    /** The run id (Lightning's {@code WandbLogger.version}); starts the run. */
    @Override
    public synchronized String version() {
        return run().id();
    }

    /** The save directory: the Trainer's run directory by default, which this claims. */
    @Override
    public Path logDir() {
        return settings.saveDir();
    }

    @Override
    public Optional<RunDirectory> runDirectory() {
        return Optional.ofNullable(settings.runDirectory());
    }

    /** Updates the run's config. */
    @Override
    public void logHyperparams(Map<String, Object> params) {
        run().config(params);
    }

    /** Adds the non-null metrics, with the prefix, to the history row of {@code step}. */
    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        WandbRun r = run();
        String prefix = settings.prefix().isEmpty() ? "" : settings.prefix() + "-";
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getValue() != null) {
                r.logScalar(prefix + e.getKey(), e.getValue(), step);
            }
        }
    }

    /** With {@code log_model=all} puts the checkpoint into the run's {@code files/checkpoints/} at once. */
    @Override
    public void afterSaveCheckpoint(CheckpointSaved checkpoint) {
        switch (settings.logModel()) {
            case ALL -> saveCheckpoint(run(), checkpoint.file());
            case END -> {
                synchronized (this) {
                    lastCheckpoint = checkpoint;
                }
            }
            case NONE -> { }
        }
    }

    /** Writes the pending history row and flushes the log. */
    @Override
    public void save() {
        WandbRun r;
        synchronized (this) {
            if (run == null || finished) {
                return;
            }
            r = run;
        }
        r.flush();
    }

    /**
     * Ends the run with the status's exit code; with {@code log_model=true} and success, first puts the kept
     * checkpoints into {@code files/checkpoints/}. Idempotent; nothing is written if the run never started.
     */
    @Override
    public void finish(RunStatus status) {
        WandbRun r;
        CheckpointSaved checkpoints;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            r = run;
            checkpoints = lastCheckpoint;
        }
        if (r == null) {
            return;
        }
        if (status == RunStatus.SUCCESS && checkpoints != null) {
            Set<Path> kept = new LinkedHashSet<>(checkpoints.bestKModels().keySet());
            if (checkpoints.lastModelPath() != null) {
                kept.add(checkpoints.lastModelPath());
            }
            kept.stream().filter(Files::isRegularFile).forEach(f -> saveCheckpoint(r, f));
        }
        r.finish(exitCode(status));
    }

    /** The exit record's code for {@code status}. */
    public static int exitCode(RunStatus status) {
        return switch (status) {
            case SUCCESS -> 0;
            case FAILED -> FAILED_EXIT_CODE;
            case INTERRUPTED -> INTERRUPTED_EXIT_CODE;
        };
    }

    /** The run, for media and anything else W&amp;B's {@code Run} offers here (Lightning's {@code experiment}). */
    @Override
    public synchronized WandbRun experiment() {
        return run();
    }

    private static void saveCheckpoint(WandbRun r, Path file) {
        r.saveFile(file, "checkpoints/" + file.getFileName());
    }

    private synchronized WandbRun run() {
        if (finished) {
            throw new IllegalStateException("the W&B logger has finished" + (run == null ? "" : ": " + run.dir()));
        }
        if (run == null) {
            run = settings.startRun();
            if (run.startingStep() > 0) {
                LOG.log(System.Logger.Level.INFO, "continuing W&B run " + run.id() + " in " + run.dir()
                        + " from step " + run.startingStep());
            }
        }
        return run;
    }

    @Override
    public synchronized String toString() {
        return "WandbLogger[" + (run == null ? "not started" : run.dir()) + "]";
    }
}
