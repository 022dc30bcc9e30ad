package io.fulmen.runtime.tuner;

import java.util.Locale;

/** Lightning's {@code _LRFinder.plot(suggest=True)} as an SVG: loss over learning rate, the suggestion marked. */
final class LrPlot {
    private static final int W = 560;
    private static final int H = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;

    private LrPlot() {}

    static String svg(LrFindResult r) {
        boolean logX = r.options().mode() == LrFindOptions.Mode.EXPONENTIAL;
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < r.lrs().size(); i++) {
            double y = r.losses().get(i);
            if (!Double.isFinite(y)) {
                continue;
            }
            double x = logX ? Math.log10(r.lrs().get(i)) : r.lrs().get(i);
            xMin = Math.min(xMin, x);
            xMax = Math.max(xMax, x);
            yMin = Math.min(yMin, y);
            yMax = Math.max(yMax, y);
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", W, H));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">Learning rate%s</text>%n",
                (LEFT + W - RIGHT) / 2, H - 10, logX ? " (log scale)" : ""));
        s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">Loss</text>%n", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2));
        if (xMin > xMax) {
            return s.append("<text x=\"100\" y=\"100\">no finite loss recorded</text>\n</svg>\n").toString();
        }
        Scale sx = new Scale(xMin, xMax, LEFT, W - RIGHT);
        Scale sy = new Scale(yMin, yMax, H - BOTTOM, TOP);
        for (int t = 0; t <= 4; t++) {
            double x = xMin + (xMax - xMin) * t / 4;
            double y = yMin + (yMax - yMin) * t / 4;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    sx.px(x), H - BOTTOM + 15, label(logX ? Math.pow(10, x) : x)));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 4, sy.px(y) + 4, label(y)));
        }
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < r.lrs().size(); i++) {
            double y = r.losses().get(i);
            if (Double.isFinite(y)) {
                double x = logX ? Math.log10(r.lrs().get(i)) : r.lrs().get(i);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx.px(x), sy.px(y)));
            }
        }
        s.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"")
                .append(points.toString().trim()).append("\"/>\n");
        int best = r.optimalIndex(10, 1);
        if (best >= 0) {
            double x = logX ? Math.log10(r.lrs().get(best)) : r.lrs().get(best);
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#d62728\"/>%n",
                    sx.px(x), sy.px(r.losses().get(best))));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#d62728\">suggested lr = %s</text>%n",
                    LEFT + 8, TOP + 14, label(r.lrs().get(best))));
        }
        return s.append("</svg>\n").toString();
    }

    private static String label(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 || v == 0 ? "%.3g" : "%.1e", v);
    }

    private record Scale(double min, double max, double from, double to) {
        double px(double v) {
            double span = max - min;
            return span == 0 ? (from + to) / 2 : from + (v - min) / span * (to - from);
        }
    }
}
