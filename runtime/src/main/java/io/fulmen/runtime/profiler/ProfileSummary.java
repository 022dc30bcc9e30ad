package io.fulmen.runtime.profiler;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a profiler measured in one call of the Trainer: one row per section that ran, and the wall time from the
 * profiler's start to its stop. {@link #table()} prints it as Lightning's {@code SimpleProfiler} report does.
 *
 * @param stage     the Trainer call, Lightning's name ({@code fit}, {@code validate}…)
 * @param wallNanos wall time from start to stop
 * @param rows      the sections that ran
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public record ProfileSummary(String stage, long wallNanos, List<Row> rows) {
    private static final String LINE_FORMAT = "|  %-38s|  %-18s|  %-12s|  %-16s|  %-14s|%n";

    /**
     * One section's timings.
     *
     * @param action     the hook or phase name
     * @param kind       hook or phase
     * @param count      how often the run entered it
     * @param totalNanos time spent in it
     */
    @API(status = API.Status.INTERNAL, since = "0.1.0")
    public record Row(String action, Section.Kind kind, long count, long totalNanos) {
        /** Mean time per entry, in seconds. */
        public double meanSeconds() {
            return count == 0 ? 0 : totalNanos / 1e9 / count;
        }
    }

    /** Copies {@code rows}. */
    public ProfileSummary {
        rows = List.copyOf(rows);
    }

    /** The sum over every row; equals {@link #wallNanos()} as the sections partition the run. */
    public long totalNanos() {
        return rows.stream().mapToLong(Row::totalNanos).sum();
    }

    /** The row of {@code action}, or null when it did not run. */
    public Row row(String action) {
        return rows.stream().filter(r -> r.action().equals(action)).findFirst().orElse(null);
    }

    /** The report as text: mean, count, total and share of every section, longest first. */
    public String table() {
        StringBuilder out = new StringBuilder();
        String rule = "-".repeat(120) + System.lineSeparator();
        out.append(stage.toUpperCase(Locale.ROOT)).append(" Profiler Report").append(System.lineSeparator())
                .append(System.lineSeparator()).append(rule)
                .append(String.format(Locale.ROOT, LINE_FORMAT, "Action", "Mean duration (s)", "Num calls",
                        "Total time (s)", "Percentage %"))
                .append(rule);
        long total = totalNanos();
        long calls = rows.stream().mapToLong(Row::count).sum();
        out.append(String.format(Locale.ROOT, LINE_FORMAT, "Total", "-", calls, seconds(total), "100 %"))
                .append(rule);
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(Row::totalNanos).reversed());
        for (Row r : sorted) {
            String name = r.kind() == Section.Kind.HOOK ? "[hook] " + r.action() : r.action();
            out.append(String.format(Locale.ROOT, LINE_FORMAT, name, String.format(Locale.ROOT, "%.6g",
                    r.meanSeconds()), r.count(), seconds(r.totalNanos()), String.format(Locale.ROOT, "%.4f",
                    total == 0 ? 0.0 : 100.0 * r.totalNanos() / total)));
        }
        return out.append(rule).toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.6g", nanos / 1e9);
    }
}
