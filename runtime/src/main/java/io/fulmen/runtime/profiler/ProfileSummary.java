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

    /**
     * The report as text: mean, count, total and share of every section, longest first. Built by hand rather than
     * with {@code String.format}, which costs milliseconds while the run's wall clock is still running.
     */
    public String table() {
        String nl = System.lineSeparator();
        String rule = "-".repeat(128) + nl;
        StringBuilder out = new StringBuilder(8192);
        out.append(stage.toUpperCase(Locale.ROOT)).append(" Profiler Report").append(nl).append(nl).append(rule);
        line(out, "Action", "Mean duration (s)", "Num calls", "Total time (s)", "Percentage %");
        out.append(rule);
        long total = totalNanos();
        long calls = rows.stream().mapToLong(Row::count).sum();
        line(out, "Total", "-", Long.toString(calls), fixed(total, 9, 6), "100 %");
        out.append(rule);
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(Row::totalNanos).reversed());
        for (Row r : sorted) {
            String name = r.kind() == Section.Kind.HOOK ? "[hook] " + r.action() : r.action();
            long share = total == 0 ? 0 : Math.round(1e6 * r.totalNanos() / total);
            line(out, name, fixed(r.count() == 0 ? 0 : r.totalNanos() / r.count(), 9, 7),
                    Long.toString(r.count()), fixed(r.totalNanos(), 9, 6), fixed(share, 4, 4));
        }
        return out.append(rule).toString();
    }

    private static void line(StringBuilder out, String... cells) {
        int[] widths = {40, 20, 14, 18, 16};
        for (int i = 0; i < cells.length; i++) {
            out.append("|  ").append(cells[i]).append(" ".repeat(Math.max(0, widths[i] - cells[i].length())));
        }
        out.append('|').append(System.lineSeparator());
    }

    /** {@code value / 10^scale} with {@code decimals} (at most {@code scale}) digits after the point, truncated. */
    private static String fixed(long value, int scale, int decimals) {
        long kept = value / pow10(scale - decimals);
        String fraction = Long.toString(kept % pow10(decimals));
        return kept / pow10(decimals) + "." + "0".repeat(decimals - fraction.length()) + fraction;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
