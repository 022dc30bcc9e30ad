package io.fulmen.mlflow;

import io.fulmen.logging.HparamsYaml;
import io.fulmen.logging.RunDirectory;
import io.fulmen.logging.VersionDirectories;
import io.fulmen.spi.CheckpointSaved;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;
import org.mlflow.api.proto.Service;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.LogBatch;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.UpdateRun;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lightning's {@code MLFlowLogger}: the run is created at the first thing logged (experiment created when missing,
 * tags {@code mlflow.runName}, {@code mlflow.source.name}, {@code mlflow.source.type}, {@code mlflow.user} plus the
 * user's), hyperparameters become params with dotted keys, metrics go in {@code log-batch} requests with their step
 * and time, checkpoints follow {@code log_model}, and {@code hparams.yaml} and the model summary become artifacts.
 * The run ends FINISHED, FAILED or KILLED.
 *
 * <p>Every call returns at once: a background {@link MlflowSender} delivers, retries through outages and, if the
 * server is still away when the run ends, says so and leaves the rest in {@code mlflow-undelivered.jsonl} in
 * {@link #logDir()} for {@link MlflowReplay}. Local files (that file, staged artifacts, {@code hparams.yaml}) live
 * in the Trainer's shared run directory ({@code <root>/fulmen_logs/version_N}, with the other loggers and the
 * checkpoints) when the logger is created by name with the default experiment name and no run id; else in
 * {@code <root>/mlflow/<experiment>/version_N} ({@code <root>/mlflow/<experiment>/<run id>} for a continued run).
 * Files of an earlier run in that folder are kept: new ones take free names beside them.
 */
public final class MlflowLogger implements ExperimentLogger {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowLogger.class);
    private static final Duration EXIT_PATIENCE = Duration.ofSeconds(5);

    private final MlflowSettings settings;
    private final PrintStream console;
    private final RunDirectory runDirectory;
    private final Map<String, Object> hparams = new LinkedHashMap<>();
    private final CheckpointArtifacts checkpoints = new CheckpointArtifacts();
    private final Set<String> warnedNames = new HashSet<>();
    private final Map<String, String> metricKeys = new java.util.HashMap<>();
    private MlflowSender sender;
    private Path logDir;
    private Path undeliveredFile;
    private CheckpointSaved latestCheckpoint;
    private Thread shutdownHook;
    private int stagedFiles;
    private long lastTimestamp;
    private boolean finished;
    private MlflowClient client;

    MlflowLogger(MlflowSettings settings, PrintStream console) {
        this(settings, console, null);
    }

    /** A logger whose local files go to {@code runDirectory}'s folder (null for a folder of its own). */
    MlflowLogger(MlflowSettings settings, PrintStream console, RunDirectory runDirectory) {
        this.settings = settings;
        this.console = console;
        this.runDirectory = runDirectory;
    }

    @Override
    public String name() {
        return "mlflow";
    }

    /** The run id once the server created the run; the local folder's name before. */
    @Override
    public synchronized String version() {
        return runId().orElseGet(() -> logDir().getFileName().toString());
    }

    @Override
    public synchronized Path logDir() {
        if (logDir == null) {
            if (runDirectory != null) {
                logDir = runDirectory.path();
            } else {
                Path parent = settings.saveDir().resolve(folderName(settings.experimentName()));
                logDir = settings.runId() == null ? VersionDirectories.claimNext(parent)
                        : VersionDirectories.use(parent, folderName(settings.runId()));
            }
        }
        return logDir;
    }

    /** The shared run directory the local files go to, when the logger writes into one. */
    @Override
    public Optional<RunDirectory> runDirectory() {
        return Optional.ofNullable(runDirectory);
    }

    /** The run's id, once the server has created (or confirmed) it. */
    public Optional<String> runId() {
        MlflowSender s;
        synchronized (this) {
            s = sender;
        }
        return s == null ? Optional.empty() : s.writer().run().map(RunInfo::getRunId);
    }

    /** Waits up to {@code timeout} for the run to exist on the server; starts it if nothing was logged yet. */
    public Optional<String> awaitRunId(Duration timeout) throws InterruptedException {
        synchronized (this) {
            if (!finished) {
                started();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> id;
        while ((id = runId()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return id;
    }

    @Override
    public synchronized void logHyperparams(Map<String, Object> params) {
        if (ended("hyperparameters")) {
            return;
        }
        MlflowSender s = started();
        List<Param> list = RunData.params(params, LOG::warn);
        for (int i = 0; i < list.size(); i += MlflowSender.MAX_PARAMS_TAGS_PER_BATCH) {
            List<Param> chunk = list.subList(i, Math.min(list.size(), i + MlflowSender.MAX_PARAMS_TAGS_PER_BATCH));
            s.submit(new RunOp.Log(LogBatch.newBuilder().addAllParams(chunk).build()));
        }
        hparams.putAll(params);
        Path yaml = writeLocal("hparams.yaml", HparamsYaml.write(hparams));
        s.submit(new RunOp.Upload(stage(yaml), "hparams.yaml", true));
    }

    @Override
    public synchronized void logMetrics(Map<String, Double> metrics, long step) {
        if (ended("metrics")) {
            return;
        }
        MlflowSender s = started();
        // Each call gets its own millisecond: MLflow's SQL store keeps one of two equal points with equal
        // timestamps, and the Trainer may log the same value (e.g. "epoch") twice at one step.
        long now = Math.max(System.currentTimeMillis(), lastTimestamp + 1);
        lastTimestamp = now;
        List<Metric> points = new ArrayList<>(metrics.size());
        metrics.forEach((name, value) -> {
            if (value != null) {
                points.add(RunData.metric(metricKey(name), value, now, step));
            }
        });
        for (int i = 0; i < points.size(); i += MlflowSender.MAX_METRICS_PER_BATCH) {
            List<Metric> chunk = points.subList(i, Math.min(points.size(), i + MlflowSender.MAX_METRICS_PER_BATCH));
            s.submit(new RunOp.Log(LogBatch.newBuilder().addAllMetrics(chunk).build()));
        }
    }

    /** The MLflow name of a metric; names repeat every step, so each is worked out once. */
    private String metricKey(String name) {
        String key = metricKeys.get(name);
        if (key == null) {
            key = RunData.metricName(name, settings.prefix(), this::warnOnce);
            if (metricKeys.size() < 10_000) {
                metricKeys.put(name, key);
            }
        }
        return key;
    }

    @Override
    public synchronized void afterSaveCheckpoint(CheckpointSaved checkpoint) {
        if (finished) {
            return;
        }
        if (settings.logModel() == LogModel.ALL
                || settings.logModel() == LogModel.AT_END && checkpoint.saveTopK() == -1) {
            uploadCheckpoints(checkpoint);
        } else if (settings.logModel() == LogModel.AT_END) {
            latestCheckpoint = checkpoint;
        }
    }

    @Override
    public synchronized void logModelSummary(String summary) {
        if (ended("the model summary")) {
            return;
        }
        Path file = writeLocal("model_summary.txt", summary.endsWith("\n") ? summary : summary + "\n");
        started().submit(new RunOp.Upload(stage(file), "model_summary.txt", true));
    }

    @Override
    public synchronized void finish(RunStatus status) {
        if (finished) {
            return;
        }
        if (sender == null) {
            finished = true; // nothing was logged: no run, as Lightning
            return;
        }
        if (latestCheckpoint != null) {
            uploadCheckpoints(latestCheckpoint);
        }
        finished = true;
        UpdateRun end = UpdateRun.newBuilder().setStatus(mlflowStatus(status))
                .setEndTime(System.currentTimeMillis()).build();
        DeliveryReport report = sender.drain(new RunOp.EndRun(end));
        removeShutdownHook();
        report(report);
    }

    /** Lightning's {@code logger.experiment}: MLflow's own client, with this logger's server and credentials. */
    @Override
    public synchronized MlflowClient experiment() {
        if (client == null) {
            Credentials c = settings.credentials();
            client = new MlflowClient(new BasicMlflowHostCreds(settings.trackingUri().toString(), c.username(),
                    c.password(), c.token(), c.insecureTls()));
        }
        return client;
    }

    /**
     * Where a run that could not be delivered leaves its data: {@code mlflow-undelivered.jsonl} in
     * {@link #logDir()}, or a numbered name beside it when an earlier run of that folder left one.
     */
    public synchronized Path undeliveredFile() {
        if (undeliveredFile == null) {
            undeliveredFile = freeName(logDir(), UndeliveredFile.FILE_NAME);
        }
        return undeliveredFile;
    }

    private MlflowSender started() {
        if (sender == null) {
            RunWriter writer = new RunWriter(new MlflowRest(settings.trackingUri(), settings.credentials(),
                    settings.requestTimeout()), false);
            sender = new MlflowSender(writer, settings.flushTimeout(), settings.flushInterval(),
                    settings.maxBufferedPoints(),
                    () -> logDir().resolve("mlflow-spill.jsonl"));
            sender.submit(startRun());
            shutdownHook = new Thread(this::exitWithoutFinish, "fulmen-mlflow-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return sender;
    }

    private RunOp.StartRun startRun() {
        Map<String, String> tags = new LinkedHashMap<>();
        if (settings.runName() != null) {
            tags.put("mlflow.runName", settings.runName());
        }
        tags.put("mlflow.source.name", sourceName());
        tags.put("mlflow.source.type", "LOCAL");
        tags.put("mlflow.user", System.getProperty("user.name", "unknown"));
        tags.putAll(settings.tags());
        tags.put(RunWriter.RUN_KEY_TAG, java.util.UUID.randomUUID().toString().replace("-", ""));
        CreateRun.Builder create = CreateRun.newBuilder()
                .setStartTime(System.currentTimeMillis())
                .setUserId(System.getProperty("user.name", "unknown"));
        if (settings.runName() != null) {
            create.setRunName(settings.runName());
        }
        tags.forEach((k, v) -> create.addTags(RunTag.newBuilder().setKey(k).setValue(v)));
        return new RunOp.StartRun(settings.experimentName(), settings.artifactLocation(), settings.runId(),
                create.build());
    }

    /** What Python's MLflow records as {@code sys.argv[0]}: the main class or jar of this JVM. */
    private static String sourceName() {
        String command = System.getProperty("sun.java.command", "").trim();
        return command.isEmpty() ? "java" : command.split("\\s+")[0];
    }

    private void uploadCheckpoints(CheckpointSaved c) {
        MlflowSender s = started();
        for (CheckpointArtifacts.Found f : checkpoints.scan(c)) {
            String dir = CheckpointArtifacts.artifactDir(f.file());
            s.submit(new RunOp.Upload(stage(f.file()), dir + "/" + f.file().getFileName(), true));
            s.submit(new RunOp.Upload(stageText("metadata.yaml", CheckpointArtifacts.metadataYaml(f, c)),
                    dir + "/metadata.yaml", true));
            s.submit(new RunOp.Upload(stageText("aliases.txt", CheckpointArtifacts.aliases(f)),
                    dir + "/aliases.txt", true));
        }
    }

    /**
     * A private snapshot of {@code file} for the sender (a hard link when the file system allows, else a copy): the
     * checkpoint callback may delete or overwrite the original before the upload happens.
     */
    private Path stage(Path file) {
        Path staged = stagedPath(file.getFileName().toString());
        try {
            try {
                Files.createLink(staged, file);
            } catch (UnsupportedOperationException | IOException noLink) {
                Files.copy(file, staged, StandardCopyOption.REPLACE_EXISTING);
            }
            return staged;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + file + " for upload to MLflow: " + e, e);
        }
    }

    private Path stageText(String name, String text) {
        Path staged = stagedPath(name);
        try {
            return Files.writeString(staged, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + staged + ": " + e, e);
        }
    }

    /** A new name in the staging folder: one an earlier run's pending upload may still hold is not reused. */
    private Path stagedPath(String name) {
        Path dir = stagingDir();
        Path staged;
        do {
            staged = dir.resolve((++stagedFiles) + "-" + name);
        } while (Files.exists(staged, LinkOption.NOFOLLOW_LINKS));
        return staged;
    }

    /** {@code dir/name}, or {@code dir/<stem>-2.<ext>}, {@code -3}… when that is taken. */
    private static Path freeName(Path dir, String name) {
        int dot = name.lastIndexOf('.');
        Path file = dir.resolve(name);
        for (int n = 2; Files.exists(file, LinkOption.NOFOLLOW_LINKS); n++) {
            file = dir.resolve(name.substring(0, dot) + "-" + n + name.substring(dot));
        }
        return file;
    }

    private Path stagingDir() {
        try {
            return Files.createDirectories(logDir().resolve(".mlflow-staging"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the MLflow staging folder in " + logDir() + ": " + e, e);
        }
    }

    private Path writeLocal(String name, String text) {
        Path file = logDir().resolve(name);
        try {
            Path tmp = file.resolveSibling("." + name + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e, e);
        }
    }

    private boolean ended(String what) {
        if (finished) {
            LOG.warn("the MLflow run has ended; {} logged after it are ignored", what);
        }
        return finished;
    }

    private void warnOnce(String message) {
        if (warnedNames.add(message)) {
            LOG.warn(message);
        }
    }

    private static Service.RunStatus mlflowStatus(RunStatus status) {
        return switch (status) {
            case SUCCESS -> Service.RunStatus.FINISHED;
            case FAILED -> Service.RunStatus.FAILED;
            case INTERRUPTED -> Service.RunStatus.KILLED;
        };
    }

    /**
     * The JVM exits while the run is open: training was interrupted (Ctrl-C, SIGTERM, System.exit) or the Trainer
     * was never closed. What is pending is delivered (briefly: exit must not hang on a dead server) and the run
     * ends KILLED; what cannot be delivered goes to the undelivered file as usual.
     */
    private void exitWithoutFinish() {
        MlflowSender s;
        synchronized (this) {
            if (finished || sender == null) {
                return;
            }
            finished = true;
            s = sender;
        }
        console.println("MLflow: the JVM is exiting while the run is open (interrupted, or the Trainer was not "
                + "closed): ending it KILLED");
        UpdateRun end = UpdateRun.newBuilder().setStatus(Service.RunStatus.KILLED)
                .setEndTime(System.currentTimeMillis()).build();
        Duration patience = settings.flushTimeout().compareTo(EXIT_PATIENCE) < 0 ? settings.flushTimeout()
                : EXIT_PATIENCE;
        report(s.drain(new RunOp.EndRun(end), patience));
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; it sees finished == true and does nothing
        }
    }

    private void report(DeliveryReport report) {
        String server = MlflowSettings.redact(settings.trackingUri().toString());
        if (!report.rejected().isEmpty()) {
            Path file = freeName(logDir(), UndeliveredFile.REJECTED_FILE_NAME);
            UndeliveredFile.writeRejected(file, report.rejected());
            console.println("MLflow: not accepted by " + server + ", not retried: "
                    + DeliveryReport.describe(report.rejected().stream().map(DeliveryReport.Rejected::op).toList())
                    + "; the requests and the reasons are in " + file.toAbsolutePath());
        }
        if (report.undelivered().isEmpty()) {
            return;
        }
        Path file = undeliveredFile().toAbsolutePath();
        new UndeliveredFile(settings.trackingUri().toString(), report.run() == null ? null
                : report.run().getRunId(), report.undelivered()).write(file);
        console.println("MLflow: " + DeliveryReport.describe(report.undelivered()) + " were NOT delivered to "
                + server + (report.lastFailure() == null ? "" : " (" + report.lastFailure() + ")") + ".");
        console.println("MLflow: they are saved in " + file + "; when the server is back, deliver them with:");
        console.println("  " + MlflowReplay.command(file));
        console.flush();
    }

    private static String folderName(String name) {
        String clean = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        return clean.isEmpty() || clean.equals(".") || clean.equals("..") ? "_" : clean;
    }
}
