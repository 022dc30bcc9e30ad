package io.fulmen.runtime.logger;

import io.fulmen.logging.HparamsYaml;
import io.fulmen.logging.RunDirectory;
import io.fulmen.logging.VersionDirectories;
import io.fulmen.pyformat.PyRepr;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Logs to plain files, as Lightning's {@code CSVLogger}: metrics go to {@code metrics.csv} and hyperparameters to
 * {@code hparams.yaml} in {@code <rootDir>/<name>/version_N/}.
 *
 * <p><b>Versions.</b> Without an explicit version, {@code N} is one more than the highest {@code version_*} directory
 * already under {@code <rootDir>/<name>}, and is claimed by creating that directory atomically; when another logger
 * (another Trainer, thread or process) claimed it first, the next number is tried. Two loggers on one root therefore
 * never share a version. The version is claimed lazily, on the first call that needs it: {@link #version()},
 * {@link #logDir()}, {@link #logHyperparams} or {@link #logMetrics}; creating a logger touches no file.
 * An explicit version reuses its directory; an old {@code metrics.csv} there is replaced, as Lightning does.
 *
 * <p><b>Run directory.</b> Built with {@link Builder#runDirectory}, as {@code logger("csv")} builds it unless it is
 * given its own name, version or folder, the logger writes into the run's shared {@link RunDirectory} instead of a
 * version of its own, beside the other loggers and the checkpoints of the run. When that folder already holds a
 * {@code metrics.csv} (a run continued from its last checkpoint by another Trainer), the rows are added to it: its
 * rows and header are kept, and the header widens when new keys appear.
 *
 * <p><b>metrics.csv.</b> Rows are buffered in memory and handed to a writer thread of the logger's own every
 * {@code flushLogsEveryNSteps} rows, so the training thread never formats or writes them; {@link #save()} and
 * {@link #finish} hand over the rest and wait until everything is on disk. A write error is thrown by the next call. Each row has a {@code step} column and one column per metric key seen in
 * the run (the Trainer adds {@code epoch}); columns are sorted by name, and a row lacks the keys it was not logged
 * with (empty cells). When new keys appear the whole file is rewritten atomically with the wider header, else new
 * rows are appended. Values are written as Python's {@code repr} writes floats ({@code 0.25}, {@code 1e-05},
 * {@code nan}); {@code step} and {@code epoch} as integers.
 *
 * <p>All methods are thread-safe.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class CsvLogger implements ExperimentLogger {
    /** The experiment name used when none is given. */
    public static final String DEFAULT_NAME = RunDirectory.DEFAULT_NAME;
    /** The metrics file in the version directory. */
    public static final String METRICS_FILE_NAME = "metrics.csv";
    /** The hyperparameters file in the version directory. */
    public static final String HPARAMS_FILE_NAME = "hparams.yaml";
    /** Rows buffered before a write, when not configured (Lightning's {@code flush_logs_every_n_steps}). */
    public static final int DEFAULT_FLUSH_LOGS_EVERY_N_STEPS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(CsvLogger.class);
    private static final String STEP = "step";
    private static final String EPOCH = "epoch";

    private final Path rootDir;
    private final String name;
    private final String fixedVersion;
    private final RunDirectory runDirectory;
    private final int flushLogsEveryNSteps;

    private Path versionDir;
    private String version;
    private List<Row> pending = new ArrayList<>();
    private final SerialWriter writer = new SerialWriter("fulmen-csv-writer");
    // Touched only by the writer's thread, after claimVersionDir (a happens-before through the writer's queue).
    private List<String> columns = List.of();
    private boolean metricsFileWritten;
    private final Map<String, Object> hparams = new LinkedHashMap<>();

    private record Row(long step, Map<String, Double> values) {}

    /** A logger writing to {@code <rootDir>/fulmen_logs/version_N}. */
    public CsvLogger(Path rootDir) {
        this(builder(rootDir));
    }

    /** A logger writing to {@code <rootDir>/<name>/version_N}; an empty name writes to {@code <rootDir>/version_N}. */
    public CsvLogger(Path rootDir, String name) {
        this(builder(rootDir).name(name));
    }

    private CsvLogger(Builder b) {
        this.rootDir = b.rootDir;
        this.runDirectory = b.runDirectory;
        this.name = runDirectory != null ? runDirectory.name() : b.name == null ? DEFAULT_NAME : b.name;
        this.fixedVersion = b.version;
        this.flushLogsEveryNSteps = b.flushLogsEveryNSteps;
    }

    /** Starts a logger configuration for {@code rootDir}. */
    public static Builder builder(Path rootDir) {
        return new Builder(rootDir);
    }

    @Override
    public String name() {
        return name;
    }

    /** The directory that holds the versions, {@code <rootDir>/<name>} (the run directory's, when in one). */
    public Path rootDir() {
        if (runDirectory != null) {
            return runDirectory.versionsDir();
        }
        return name.isEmpty() ? rootDir : rootDir.resolve(name);
    }

    /** {@code "version_N"}, or the explicit version; claims the version directory on the first call. */
    @Override
    public synchronized String version() {
        claimVersionDir();
        return version;
    }

    /** The version directory, created on the first call. */
    @Override
    public synchronized Path logDir() {
        return claimVersionDir();
    }

    /** The shared run directory this logger writes into, when it was built with one. */
    @Override
    public Optional<RunDirectory> runDirectory() {
        return Optional.ofNullable(runDirectory);
    }

    /** Rows per write (Lightning's {@code flush_logs_every_n_steps}). */
    public int flushLogsEveryNSteps() {
        return flushLogsEveryNSteps;
    }

    /** Merges {@code params} into the run's hyperparameters and rewrites {@code hparams.yaml} atomically. */
    @Override
    public synchronized void logHyperparams(Map<String, Object> params) {
        hparams.putAll(params);
        Path file = claimVersionDir().resolve(HPARAMS_FILE_NAME);
        String yaml = HparamsYaml.write(hparams);
        try {
            AtomicFiles.write(file, w -> w.write(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public synchronized void logMetrics(Map<String, Double> metrics, long step) {
        claimVersionDir();
        pending.add(new Row(step, metrics));
        if (pending.size() >= flushLogsEveryNSteps) {
            handOver();
        }
    }

    /** Writes the buffered rows and waits until they are on disk. */
    @Override
    public synchronized void save() {
        handOver();
        writer.await();
    }

    @Override
    public synchronized void finish(RunStatus status) {
        save();
    }

    @Override
    public String toString() {
        return "CsvLogger[" + rootDir() + ", " + (version == null ? "version not claimed" : version) + "]";
    }

    // ---------------------------------------------------------------- version directory

    private Path claimVersionDir() {
        if (versionDir != null) {
            return versionDir;
        }
        if (runDirectory != null) {
            versionDir = runDirectory.path();
            continueMetricsFile(versionDir.resolve(METRICS_FILE_NAME));
        } else if (fixedVersion != null) {
            Path dir = VersionDirectories.use(rootDir(), fixedVersion);
            if (hasEntries(dir)) {
                LOG.warn("Experiment logs directory {} exists and is not empty; its {} will be replaced "
                        + "when new metrics are saved", dir, METRICS_FILE_NAME);
            }
            versionDir = dir;
        } else {
            versionDir = VersionDirectories.claimNext(rootDir());
        }
        version = versionDir.getFileName().toString();
        return versionDir;
    }

    /** A run continued in its old folder keeps the rows written there: new rows go after them. */
    private void continueMetricsFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        List<String> header;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            header = readRecord(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!header.isEmpty()) {
            columns = List.copyOf(header);
            metricsFileWritten = true;
            LOG.info("Adding the metrics of this run to {}", file);
        }
    }

    private static boolean hasEntries(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return entries.iterator().hasNext();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    // ---------------------------------------------------------------- metrics.csv

    private void handOver() {
        if (pending.isEmpty()) {
            return;
        }
        List<Row> rows = pending;
        pending = new ArrayList<>();
        Path file = claimVersionDir().resolve(METRICS_FILE_NAME);
        writer.submit(() -> write(file, rows));
    }

    private void write(Path file, List<Row> rows) {
        TreeSet<String> all = new TreeSet<>(columns);
        all.add(STEP);
        for (Row row : rows) {
            for (Map.Entry<String, Double> e : row.values().entrySet()) {
                if (e.getValue() != null) {
                    all.add(e.getKey());
                }
            }
        }
        List<String> newColumns = List.copyOf(all);
        try {
            if (!metricsFileWritten || !Files.isRegularFile(file)) {
                AtomicFiles.write(file, w -> {
                    writeHeader(w, newColumns);
                    writeRows(w, newColumns, rows);
                });
            } else if (!newColumns.equals(columns)) {
                rewrite(file, columns, newColumns, rows);
            } else {
                try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
                    writeRows(w, newColumns, rows);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        columns = newColumns;
        metricsFileWritten = true;
    }

    /** Copies the written rows under the wider header (their new cells empty), then adds {@code rows}. */
    private void rewrite(Path file, List<String> oldColumns, List<String> newColumns, List<Row> rows)
            throws IOException {
        int[] target = new int[oldColumns.size()];
        for (int i = 0; i < target.length; i++) {
            target[i] = Collections.binarySearch(newColumns, oldColumns.get(i));
        }
        AtomicFiles.write(file, w -> {
            writeHeader(w, newColumns);
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                skipRecord(r);
                String[] cells = new String[newColumns.size()];
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    // Data cells are numbers or empty, never quoted: a plain split is exact.
                    String[] old = line.split(",", -1);
                    Arrays.fill(cells, "");
                    for (int i = 0; i < Math.min(old.length, target.length); i++) {
                        cells[target[i]] = old[i];
                    }
                    w.write(String.join(",", cells));
                    w.write('\n');
                }
            }
            writeRows(w, newColumns, rows);
        });
    }

    /** The fields of one CSV record (the header), as {@link #csvField} quotes them; empty at the end of input. */
    private static List<String> readRecord(BufferedReader r) throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int c;
        while ((c = r.read()) != -1) {
            any = true;
            if (quoted) {
                if (c != '"') {
                    field.append((char) c);
                } else {
                    r.mark(1);
                    if (r.read() == '"') {
                        field.append('"');
                    } else {
                        r.reset();
                        quoted = false;
                    }
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                break;
            } else if (c != '\r') {
                field.append((char) c);
            }
        }
        if (any) {
            fields.add(field.toString());
        }
        return fields;
    }

    /** Skips one CSV record (the header), which may hold quoted line breaks. */
    private static void skipRecord(BufferedReader r) throws IOException {
        boolean quoted = false;
        int c;
        while ((c = r.read()) != -1) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\n' && !quoted) {
                return;
            }
        }
    }

    private static void writeHeader(Writer w, List<String> columns) throws IOException {
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(csvField(columns.get(i)));
        }
        w.write('\n');
    }

    private static void writeRows(Writer w, List<String> columns, List<Row> rows) throws IOException {
        StringBuilder line = new StringBuilder(16 * columns.size());
        for (Row row : rows) {
            line.setLength(0);
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    line.append(',');
                }
                String column = columns.get(i);
                if (STEP.equals(column)) {
                    line.append(row.step());
                    continue;
                }
                Double v = row.values().get(column);
                if (v != null) {
                    line.append(EPOCH.equals(column) ? counter(v) : PyRepr.repr(v));
                }
            }
            line.append('\n');
            w.write(line.toString());
        }
    }

    /** An integral counter such as {@code epoch} without a fraction, as Lightning writes its ints. */
    private static String counter(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return PyRepr.repr(value);
    }

    /** Python's csv QUOTE_MINIMAL: quotes a field holding a comma, a quote or a line break. */
    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Configures a {@link CsvLogger}. */
    public static final class Builder {
        private final Path rootDir;
        private String name;
        private String version;
        private RunDirectory runDirectory;
        private int flushLogsEveryNSteps = DEFAULT_FLUSH_LOGS_EVERY_N_STEPS;

        private Builder(Path rootDir) {
            this.rootDir = Objects.requireNonNull(rootDir, "rootDir");
        }

        /** The experiment name, a directory under the root; empty for none. Default {@code "fulmen_logs"}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Uses {@code version_<version>} instead of the next free number. */
        public Builder version(int version) {
            if (version < 0) {
                throw new IllegalArgumentException("version must be >= 0, got " + version);
            }
            this.version = "version_" + version;
            return this;
        }

        /** Uses {@code version} verbatim as the version directory's name; null for the next free number. */
        public Builder version(String version) {
            if (version != null && version.isBlank()) {
                throw new IllegalArgumentException("version must not be blank");
            }
            this.version = version;
            return this;
        }

        /**
         * Writes into {@code run}'s folder, shared with the other loggers and the checkpoints of the run, instead of
         * a version of this logger's own; the run directory then decides the folder, so {@link #name} and
         * {@link #version} cannot be set too.
         */
        public Builder runDirectory(RunDirectory run) {
            this.runDirectory = Objects.requireNonNull(run, "run");
            return this;
        }

        /** Rows buffered before they are written; at least 1. */
        public Builder flushLogsEveryNSteps(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("flush_logs_every_n_steps must be >= 1, got " + n);
            }
            this.flushLogsEveryNSteps = n;
            return this;
        }

        /** The logger; fails when a run directory was given together with a name or a version. */
        public CsvLogger build() {
            if (runDirectory != null && (name != null || version != null)) {
                throw new IllegalStateException("a CSV logger in a run directory (" + runDirectory + ") takes its "
                        + "folder from it: set no name or version, or no run directory");
            }
            return new CsvLogger(this);
        }
    }
}
