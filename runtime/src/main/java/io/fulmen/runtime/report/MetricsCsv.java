package io.fulmen.runtime.report;

import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the CSV logger's {@code metrics.csv} into one {@link MetricSeries} per metric column: a {@code step}
 * column, an {@code epoch} column, the metrics, empty cells where a row lacks a key, floats as Python writes them
 * ({@code nan}, {@code inf}). Non-finite values are left out of the series: a line cannot be drawn through them.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class MetricsCsv {
    private MetricsCsv() {}

    /** The series of {@code file}, in column order; fails when the file has no {@code step} column. */
    public static List<MetricSeries> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return List.of();
        }
        String[] header = lines.get(0).split(",", -1);
        int stepColumn = List.of(header).indexOf("step");
        if (stepColumn < 0) {
            throw new IOException(file + " has no step column: " + lines.get(0));
        }
        List<List<Long>> steps = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            steps.add(new ArrayList<>());
            values.add(new ArrayList<>());
        }
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            long step = (long) Double.parseDouble(cells[stepColumn]);
            for (int c = 0; c < Math.min(cells.length, header.length); c++) {
                double v = cells[c].isEmpty() ? Double.NaN : parse(cells[c]);
                if (Double.isFinite(v)) {
                    steps.get(c).add(step);
                    values.get(c).add(v);
                }
            }
        }
        List<MetricSeries> series = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            if (c != stepColumn && !header[c].equals("epoch") && !values.get(c).isEmpty()) {
                series.add(new MetricSeries(header[c], steps.get(c), values.get(c)));
            }
        }
        return series;
    }

    private static double parse(String cell) {
        return switch (cell.strip().toLowerCase(Locale.ROOT)) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(cell);
        };
    }
}
