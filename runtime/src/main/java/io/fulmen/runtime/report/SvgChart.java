package io.fulmen.runtime.report;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;

/**
 * Draws series against the step as one inline SVG line chart: axes with five ticks each, one {@code path} per
 * series whose {@code d} has one {@code M}/{@code L} command per point, dots on short series (a single epoch value
 * is otherwise invisible), and a legend. No script: the file renders offline, in any browser.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class SvgChart {
    private static final int WIDTH = 560;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 56;
    private static final int TICKS = 5;
    private static final int DOTS_UP_TO = 60;
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

    private SvgChart() {}

    /** The chart of {@code series} (at least one point in all) titled {@code title}. */
    public static String draw(String title, List<MetricSeries> series) {
        Range x = Range.of(series.stream().flatMap(s -> s.steps().stream()).mapToDouble(Long::doubleValue).toArray());
        Range y = Range.of(series.stream().flatMap(s -> s.values().stream()).mapToDouble(Double::doubleValue)
                .toArray());
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                + "data-chart=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
                Html.escape(title), WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<title>").append(Html.escape(title)).append("</title>");
        axes(svg, x, y);
        for (int i = 0; i < series.size(); i++) {
            line(svg, series.get(i), COLORS[i % COLORS.length], x, y);
        }
        legend(svg, series);
        return svg.append("</svg>").toString();
    }

    private static void axes(StringBuilder svg, Range x, Range y) {
        int plotBottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<path class=\"axis\" d=\"M%d %d V%d H%d\" stroke=\"#444\" "
                + "fill=\"none\"/>", LEFT, TOP, plotBottom, WIDTH - RIGHT));
        for (int t = 0; t <= TICKS; t++) {
            double xv = x.min + (x.max - x.min) * t / TICKS;
            double yv = y.min + (y.max - y.min) * t / TICKS;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                    + "text-anchor=\"middle\">%s</text>", px(x, xv), plotBottom + 16, label(xv)));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">"
                    + "%s</text>", LEFT - 6, py(y, yv) + 4, label(yv)));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#ddd\"/>", LEFT, WIDTH - RIGHT, py(y, yv), py(y, yv)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
                + "step</text>", (LEFT + WIDTH - RIGHT) / 2, plotBottom + 32));
    }

    private static void line(StringBuilder svg, MetricSeries s, String color, Range x, Range y) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < s.size(); i++) {
            d.append(String.format(Locale.ROOT, "%s%.2f %.2f ", i == 0 ? "M" : "L", px(x, s.steps().get(i)),
                    py(y, s.values().get(i))));
        }
        svg.append(String.format(Locale.ROOT, "<path class=\"series\" data-series=\"%s\" data-points=\"%d\" "
                + "d=\"%s\" stroke=\"%s\" stroke-width=\"1.5\" fill=\"none\"/>", Html.escape(s.key()), s.size(),
                d.toString().strip(), color));
        if (s.size() <= DOTS_UP_TO) {
            for (int i = 0; i < s.size(); i++) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>",
                        px(x, s.steps().get(i)), py(y, s.values().get(i)), color));
            }
        }
    }

    private static void legend(StringBuilder svg, List<MetricSeries> series) {
        int x = LEFT;
        for (int i = 0; i < series.size(); i++) {
            String key = series.get(i).key();
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>", x, HEIGHT - 14,
                    COLORS[i % COLORS.length], x + 14, HEIGHT - 5, Html.escape(key)));
            x += 24 + 7 * key.length();
        }
    }

    private static double px(Range x, double value) {
        return LEFT + (WIDTH - LEFT - RIGHT) * x.fraction(value);
    }

    private static double py(Range y, double value) {
        return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * y.fraction(value);
    }

    private static String label(double value) {
        return String.format(Locale.ROOT, "%.4g", value).replaceAll("(\\.\\d*?)0+($|e)", "$1$2")
                .replaceAll("\\.($|e)", "$1");
    }

    /** An axis' extent; a flat series gets a little room above and below so it is drawn mid-height. */
    private record Range(double min, double max) {
        static Range of(double[] values) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (lo == hi) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                return new Range(lo - pad, hi + pad);
            }
            return new Range(lo, hi);
        }

        double fraction(double value) {
            return (value - min) / (max - min);
        }
    }
}
