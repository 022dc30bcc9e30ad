package io.fulmen.wandb;

import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One offline W&amp;B run being written (Lightning's {@code WandbLogger.experiment}, W&amp;B's {@code Run}): its
 * folder {@code offline-run-<time>-<id>/}, the log {@code run-<id>.wandb} and {@code files/}.
 *
 * <p>{@link #log} collects the values of a step into one history row, as {@code wandb.log(..., step=N)} does: values
 * for the same step merge, and the row is written, followed by a summary update with its values, when a later step
 * arrives, on {@link #flush()} and on {@link #finish}. Each row carries {@code _step}, {@code _runtime} (seconds
 * since the run started, continuing an earlier log of a continued run) and {@code _timestamp} (Unix seconds). Steps
 * only increase, as in W&amp;B: values for a step below the current one (one already written, or before a continued
 * run's starting step) are dropped with a warning.
 *
 * <p>Besides numbers and strings, rows take images ({@link #logImage}) and histograms ({@link #logHistogram}) in
 * W&amp;B's own encodings. Other W&amp;B media (tables, audio, video, 3D objects, plots, artifacts) are not
 * supported. All methods are thread-safe; records are written by a background thread.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class WandbRun {
    /** Bins of {@link #logHistogram(String, double[], long)}, W&amp;B's default. */
    public static final int DEFAULT_BINS = 64;

    private static final System.Logger LOG = System.getLogger(WandbRun.class.getName());

    private final RunFolders.Run folder;
    private final RecordWriter writer;
    private final long startMillis;
    private final double earlierRuntime;
    private final long startingStep;
    private final Map<String, String> config = new LinkedHashMap<>();
    private final Map<String, String> summary = new LinkedHashMap<>();
    private Map<String, String> pending;
    private long pendingStep;
    private long pendingMillis;
    private long nextStep;
    private long dropped;
    private boolean finished;

    private WandbRun(RunFolders.Run folder, RecordWriter writer, long startMillis, ResumePoint resume) {
        this.folder = folder;
        this.writer = writer;
        this.startMillis = startMillis;
        this.earlierRuntime = resume.runtimeSeconds();
        this.startingStep = resume.nextStep();
        this.nextStep = resume.nextStep();
    }

    /** Creates the run's folder and log in {@code wandbDir} and writes the header and the run record. */
    static WandbRun start(Path wandbDir, RunInfo info, Map<String, ?> config, ResumePoint resume, int maxQueue) {
        RunFolders.Run folder = RunFolders.create(wandbDir, info.id(), info.startMillis());
        RecordWriter writer = new RecordWriter(folder.log(), maxQueue);
        WandbRun run = new WandbRun(folder, writer, info.startMillis(), resume);
        config.forEach((k, v) -> run.config.put(k, JsonValues.of(v)));
        writer.add(Records.header());
        writer.add(Records.run(info, run.config, resume.nextStep()));
        writer.flush();
        return run;
    }

    /** The run id, shared by every folder of a continued run. */
    public String id() {
        return folder.id();
    }

    /** This run's folder, {@code .../wandb/offline-run-<time>-<id>}: what {@code wandb sync} takes. */
    public Path dir() {
        return folder.dir();
    }

    /** The transaction log, {@code run-<id>.wandb}. */
    public Path file() {
        return folder.log();
    }

    /** The folder of the run's files, {@code files/}. */
    public Path filesDir() {
        return folder.files();
    }

    /** The first step this run writes: 0, or one after the last step of the run it continues. */
    public long startingStep() {
        return startingStep;
    }

    /**
     * Adds {@code values} to the history row of {@code step}: numbers, booleans, strings, maps (subtrees), lists and
     * arrays, written as JSON.
     */
    public synchronized void log(Map<String, ?> values, long step) {
        if (accepts(step, values.size())) {
            values.forEach((k, v) -> pending.put(k, JsonValues.of(v)));
        }
    }

    /** As {@link #log} for one metric; the fast path of {@link WandbLogger#logMetrics}. */
    synchronized void logScalar(String key, double value, long step) {
        if (accepts(step, 1)) {
            pending.put(key, JsonValues.of(value));
        }
    }

    /** Logs an image, {@code pixels} being height × width × channels (1, 3 or 4) floats in [0, 1], row-major. */
    public void logImage(String key, float[] pixels, int height, int width, int channels, long step) {
        synchronized (this) {
            checkOpen();
        }
        Media.Encoded image = Media.image(filesDir(), key, step, pixels, height, width, channels);
        synchronized (this) {
            if (accepts(step, 1)) {
                pending.put(key, image.value().text());
                writer.add(Records.files(List.of(image.file())));
            }
        }
    }

    /** Logs a histogram of {@code values} with {@value #DEFAULT_BINS} bins. */
    public void logHistogram(String key, double[] values, long step) {
        logHistogram(key, values, DEFAULT_BINS, step);
    }

    /** Logs a histogram of {@code values} with {@code bins} equal-width bins (1 to 512). */
    public synchronized void logHistogram(String key, double[] values, int bins, long step) {
        JsonValues.Json histogram = Media.histogram(values, bins);
        if (accepts(step, 1)) {
            pending.put(key, histogram.text());
        }
    }

    /** Updates the run's config (one config record). */
    public synchronized void config(Map<String, ?> values) {
        checkOpen();
        Map<String, String> update = new LinkedHashMap<>();
        values.forEach((k, v) -> update.put(k, JsonValues.of(v)));
        config.putAll(update);
        writer.add(Records.config(update));
    }

    /** The config so far: each key's value as JSON text. */
    public synchronized Map<String, String> config() {
        return Map.copyOf(config);
    }

    /** The summary so far (the latest value of every key written in a row), as JSON text. */
    public synchronized Map<String, String> summary() {
        return Map.copyOf(summary);
    }

    /**
     * Puts {@code source} into {@code files/<name>} (a hard link where possible, else a copy, so the run keeps it
     * when the source is removed) and names it in a files record, for {@code wandb sync} to upload.
     */
    public synchronized void saveFile(Path source, String name) {
        checkOpen();
        Path target = filesDir().resolve(name).normalize();
        if (!target.startsWith(filesDir())) {
            throw new IllegalArgumentException("'" + name + "' leaves the run's files folder");
        }
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            try {
                Files.createLink(target, source);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put " + source + " into " + target, e);
        }
        writer.add(Records.files(List.of(filesDir().relativize(target).toString().replace('\\', '/'))));
    }

    /** Writes the pending row and every record so far, and hands the log to the operating system. */
    public synchronized void flush() {
        checkOpen();
        writeRow();
        writer.flush();
    }

    /** Writes the pending row and the exit record ({@code exitCode}: 0 finished, else failed); closes the log. */
    public synchronized void finish(int exitCode) {
        if (finished) {
            return;
        }
        writeRow();
        writer.add(Records.exit(exitCode, runtimeAt(System.currentTimeMillis())));
        finished = true;
        writer.close();
    }

    /** Whether {@link #finish} was called. */
    public synchronized boolean isFinished() {
        return finished;
    }

    /** Values dropped because their step was below the current one. */
    synchronized long droppedValues() {
        return dropped;
    }

    private boolean accepts(long step, int values) {
        checkOpen();
        if (pending != null && step > pendingStep) {
            writeRow();
        }
        long current = pending != null ? pendingStep : nextStep;
        if (step < current) {
            if (dropped == 0) {
                LOG.log(System.Logger.Level.WARNING, "W&B run " + id() + ": values for step " + step + " are below "
                        + "the current step " + current + " and are dropped (W&B's steps only increase); later drops "
                        + "are counted, not reported");
            }
            dropped += values;
            return false;
        }
        if (pending == null) {
            pending = new LinkedHashMap<>();
            pendingStep = step;
            pendingMillis = System.currentTimeMillis();
        }
        return true;
    }

    private void writeRow() {
        if (pending == null) {
            return;
        }
        Map<String, String> row = pending;
        pending = null;
        row.put("_step", Long.toString(pendingStep));
        row.put("_runtime", JsonValues.of(runtimeAt(pendingMillis)));
        row.put("_timestamp", JsonValues.of(pendingMillis / 1000.0));
        writer.add(Records.history(pendingStep, row));
        writer.add(Records.summary(row));
        summary.putAll(row);
        nextStep = pendingStep + 1;
    }

    private double runtimeAt(long millis) {
        return earlierRuntime + Math.max(0, millis - startMillis) / 1000.0;
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("the W&B run " + folder.dir() + " has finished");
        }
    }

    @Override
    public String toString() {
        return "WandbRun[" + folder.dir() + "]";
    }
}
