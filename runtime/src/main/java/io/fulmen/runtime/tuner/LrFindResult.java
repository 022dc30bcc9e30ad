package io.fulmen.runtime.tuner;

import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link Tuner#lrFind} measured (Lightning's {@code _LRFinder}): the learning rate tried at every step and
 * the smoothed loss after it, the suggested learning rate, and the files written to the log directory
 * ({@code lr_find.csv} and the plot {@code lr_find.svg}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class LrFindResult {
    private final List<Double> lrs;
    private final List<Double> losses;
    private final LrFindOptions options;
    private Path csv;
    private Path plot;

    LrFindResult(List<Double> lrs, List<Double> losses, LrFindOptions options) {
        this.lrs = List.copyOf(lrs);
        this.losses = List.copyOf(losses);
        this.options = options;
    }

    /** The learning rate of every recorded step ({@code results["lr"]}). */
    public List<Double> lrs() {
        return lrs;
    }

    /** The smoothed loss of every recorded step ({@code results["loss"]}). */
    public List<Double> losses() {
        return losses;
    }

    public LrFindOptions options() {
        return options;
    }

    /** Lightning's default suggestion: {@code suggestion(skip_begin=10, skip_end=1)}. */
    public Double suggestion() {
        return suggestion(10, 1);
    }

    /**
     * Lightning's {@code suggestion}: the learning rate where the loss falls fastest, i.e. the minimum of the
     * gradient of the loss with respect to the learning rate ({@code torch.gradient(losses, spacing=[lrs])}: second
     * order central differences on the uneven grid, one-sided at the ends), leaving out the first
     * {@code skipBegin} and last {@code skipEnd} points and any that are not finite. Null when fewer than two points
     * remain.
     */
    public Double suggestion(int skipBegin, int skipEnd) {
        int index = optimalIndex(skipBegin, skipEnd);
        return index < 0 ? null : lrs.get(index);
    }

    /** The index of {@link #suggestion(int, int)} in {@link #lrs()}, or -1. */
    int optimalIndex(int skipBegin, int skipEnd) {
        int end = losses.size() - skipEnd;
        List<Integer> kept = new ArrayList<>();
        for (int i = skipBegin; i < end; i++) {
            if (Double.isFinite(losses.get(i))) {
                kept.add(i);
            }
        }
        if (kept.size() < 2) {
            return -1;
        }
        double[] x = new double[kept.size()];
        double[] y = new double[kept.size()];
        for (int k = 0; k < x.length; k++) {
            x[k] = lrs.get(kept.get(k));
            y[k] = losses.get(kept.get(k));
        }
        double[] g = gradient(y, x);
        int best = 0;
        for (int k = 1; k < g.length; k++) {
            if (g[k] < g[best]) {
                best = k;
            }
        }
        return kept.get(best);
    }

    /** numpy's / torch's {@code gradient} of {@code y} over coordinates {@code x} (edge_order=1). */
    static double[] gradient(double[] y, double[] x) {
        int n = y.length;
        double[] g = new double[n];
        g[0] = (y[1] - y[0]) / (x[1] - x[0]);
        g[n - 1] = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]);
        for (int i = 1; i < n - 1; i++) {
            double hl = x[i] - x[i - 1];
            double hr = x[i + 1] - x[i];
            g[i] = (hl * hl * y[i + 1] - hr * hr * y[i - 1] + (hr * hr - hl * hl) * y[i]) / (hl * hr * (hl + hr));
        }
        return g;
    }

    /** The results as CSV ({@code lr,loss}), written to {@code lr_find.csv}. */
    public Path csvFile() {
        return csv;
    }

    /** The plot of loss over learning rate (log axis when exponential), the suggestion marked. */
    public Path plotFile() {
        return plot;
    }

    /** Writes {@code lr_find.csv} and {@code lr_find.svg} into {@code dir}. */
    void save(Path dir) {
        try {
            Files.createDirectories(dir);
            StringBuilder s = new StringBuilder("lr,loss\n");
            for (int i = 0; i < lrs.size(); i++) {
                s.append(String.format(Locale.ROOT, "%.9g,%.9g%n", lrs.get(i), losses.get(i)));
            }
            csv = dir.resolve("lr_find.csv");
            Files.writeString(csv, s.toString(), StandardCharsets.UTF_8);
            plot = dir.resolve("lr_find.svg");
            Files.writeString(plot, LrPlot.svg(this), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the learning-rate finder's results to " + dir, e);
        }
    }
}
