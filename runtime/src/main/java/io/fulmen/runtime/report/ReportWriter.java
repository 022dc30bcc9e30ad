package io.fulmen.runtime.report;

import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a finished run's {@code report.html}: one self-contained file (inline SVG and CSS, no script, nothing
 * fetched) with a chart per logged metric against the step, its {@code _step} and {@code _epoch} series together,
 * the learning rates, the hyperparameters, the model summary, the profiler's timings, the checkpoints kept with
 * their scores and the run's configuration. It reads only files of the run folder: {@code metrics.csv} (or, without
 * it, the TensorBoard event files, see {@link TfEvents}), {@code hparams.yaml}, {@code model-summary.txt},
 * {@code *-profiler.txt}, {@code checkpoints/}, {@code config.yaml}; a missing one leaves its section out.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ReportWriter {
    /** The report's file name in the run folder. */
    public static final String FILE_NAME = "report.html";
    /** Where the Trainer keeps the model summary for the report. */
    public static final String MODEL_SUMMARY_FILE = "model-summary.txt";

    private static final String STYLE = "body{font-family:sans-serif;margin:24px;color:#222}"
            + "h2{border-bottom:1px solid #ccc;padding-bottom:4px}.charts{display:flex;flex-wrap:wrap;gap:16px}"
            + "figure{margin:0}figcaption{font-weight:bold;margin-bottom:4px}"
            + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;"
            + "text-align:left}pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}";

    private ReportWriter() {}

    /** Writes {@code report.html} into {@code runDir} and returns its path; fails when the folder does not exist. */
    public static Path write(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new IOException("not a run folder: " + runDir);
        }
        StringBuilder body = new StringBuilder();
        TfEvents.Run tensorBoard = tensorBoard(runDir);
        metrics(runDir, tensorBoard, body);
        hyperparameters(runDir, tensorBoard, body);
        text(runDir.resolve(MODEL_SUMMARY_FILE), "Model summary", body);
        profiler(runDir, body);
        checkpoints(runDir, body);
        text(runDir.resolve("config.yaml"), "Configuration", body);
        String title = "Fulmen run " + runDir.toAbsolutePath().normalize();
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + Html.escape(title) + "</title><style>" + STYLE + "</style></head><body><h1>"
                + Html.escape(title) + "</h1>" + body + "</body></html>\n";
        Path out = runDir.resolve(FILE_NAME);
        Path tmp = runDir.resolve(FILE_NAME + ".tmp");
        Files.writeString(tmp, html, StandardCharsets.UTF_8);
        return Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void metrics(Path runDir, TfEvents.Run tensorBoard, StringBuilder body) throws IOException {
        Path csv = runDir.resolve("metrics.csv");
        List<MetricSeries> series;
        if (Files.isRegularFile(csv)) {
            series = MetricsCsv.read(csv);
        } else if (tensorBoard != null) {
            series = tensorBoard.series();
            for (String note : tensorBoard.notes()) {
                body.append("<p class=\"note\">").append(Html.escape(note)).append("</p>");
            }
        } else {
            body.append("<h2>Metrics</h2><p>No metrics.csv and no TensorBoard event file (*tfevents*) in this"
                    + " folder: log with the CSV or the TensorBoard logger to chart a run.</p>");
            return;
        }
        Map<String, List<MetricSeries>> charts = new LinkedHashMap<>();
        for (MetricSeries s : series) {
            charts.computeIfAbsent(s.chartName(), k -> new ArrayList<>()).add(s);
        }
        chartSection("Metrics", charts, false, body);
        chartSection("Learning rate", charts, true, body);
    }

    /** The event files' scalars and hyperparameters, read only for a run without {@code metrics.csv}. */
    private static TfEvents.Run tensorBoard(Path runDir) throws IOException {
        if (Files.isRegularFile(runDir.resolve("metrics.csv"))) {
            return null;
        }
        List<Path> files = TfEvents.eventFiles(runDir);
        return files.isEmpty() ? null : TfEvents.read(files);
    }

    private static void chartSection(String heading, Map<String, List<MetricSeries>> charts, boolean learningRates,
                                     StringBuilder body) {
        StringBuilder figures = new StringBuilder();
        charts.forEach((name, series) -> {
            if (isLearningRate(name) == learningRates) {
                figures.append("<figure><figcaption>").append(Html.escape(name)).append("</figcaption>")
                        .append(SvgChart.draw(name, series)).append("</figure>");
            }
        });
        if (!figures.isEmpty()) {
            body.append("<h2>").append(heading).append("</h2><div class=\"charts\">").append(figures).append("</div>");
        }
    }

    /** {@code LearningRateMonitor}'s keys: {@code lr-Adam}, {@code lr-SGD-momentum}… */
    private static boolean isLearningRate(String key) {
        return key.startsWith("lr-") || key.equals("lr") || key.startsWith("learning_rate");
    }

    /** A flat {@code hparams.yaml} becomes a table; anything nested is shown as written. */
    private static void hyperparameters(Path runDir, TfEvents.Run tensorBoard, StringBuilder body)
            throws IOException {
        Path file = runDir.resolve("hparams.yaml");
        if (!Files.isRegularFile(file)) {
            if (tensorBoard != null && !tensorBoard.hparams().isEmpty()) {
                body.append("<h2>Hyperparameters</h2>").append(Html.keyValueTable(tensorBoard.hparams()));
            }
            return;
        }
        String yaml = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, String> flat = new LinkedHashMap<>();
        for (String line : yaml.lines().toList()) {
            int colon = line.indexOf(": ");
            if (line.isBlank() || Character.isWhitespace(line.charAt(0)) || line.startsWith("-") || colon < 0) {
                flat = null;
                break;
            }
            flat.put(line.substring(0, colon), line.substring(colon + 2));
        }
        body.append("<h2>Hyperparameters</h2>").append(flat != null ? Html.keyValueTable(flat) : Html.pre(yaml));
    }

    private static void profiler(Path runDir, StringBuilder body) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(runDir)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith("-profiler.txt")).sorted().toList();
        }
        for (Path f : files) {
            String stage = f.getFileName().toString().replace("-profiler.txt", "");
            body.append("<h2>Profiler (").append(Html.escape(stage)).append(")</h2>")
                    .append(ProfilerText.toHtml(Files.readString(f, StandardCharsets.UTF_8)));
        }
    }

    private static void checkpoints(Path runDir, StringBuilder body) throws IOException {
        List<KeptCheckpoints.Row> rows = KeptCheckpoints.read(runDir);
        if (rows.isEmpty()) {
            return;
        }
        body.append("<h2>Checkpoints</h2>").append(Html.table(List.of("file", "bytes", "monitor", "score"),
                rows.stream().map(r -> List.of(r.file(), Long.toString(r.bytes()), r.monitor(), r.score())).toList()));
    }

    private static void text(Path file, String heading, StringBuilder body) throws IOException {
        if (Files.isRegularFile(file)) {
            body.append("<h2>").append(heading).append("</h2>")
                    .append(Html.pre(Files.readString(file, StandardCharsets.UTF_8)));
        }
    }
}
