package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.spi.ExperimentLogger;
import org.apiguardian.api.API;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows training progress on a console, as Lightning's {@code TQDMProgressBar}:
 * <pre>
 * Epoch 3/9:  13%|#         | 120/938 [00:01&lt;00:11, 75.12it/s, v_num=0, train_loss=0.4312]
 * </pre>
 * The epoch is counted from 0 and shown against the last epoch ({@code max_epochs - 1}), as Lightning's rich bar
 * does; the metrics are {@link TrainerView#progressBarMetrics()} with 4 significant digits, after {@code v_num},
 * the first logger's version number. Validation (not the sanity check) shows a {@code Validation} bar, test a
 * {@code Testing} bar and predict a {@code Predicting} bar, each with its total when the loader's length is known.
 *
 * <p>On a terminal ({@code interactive}) one line is redrawn in place with {@code '\r'}, at most every 100 ms; the
 * train line of each epoch stays on screen. Elsewhere (log files, CI) a plain line is printed at most every
 * {@code refreshSeconds}, plus one at each epoch's end. Nothing is formatted between draws, so the per-batch cost
 * is one {@link System#nanoTime()}. Only global rank 0 draws.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class ProgressBar implements Callback {
    /** Seconds between lines when the output is not a terminal, unless configured. */
    public static final double DEFAULT_REFRESH_SECONDS = 5.0;

    private static final long INTERACTIVE_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int BAR_WIDTH = 10;
    private static final Pattern VERSION_NUMBER = Pattern.compile("(?:version_)?(\\d+)");

    private final PrintStream out;
    private final boolean interactive;
    private final long refreshNanos;

    private Bar train;
    private Bar active;
    private long nextDrawNanos;
    private boolean lineOpen;
    private int lastLineLength;
    private String vNum;
    private boolean vNumResolved;

    /** A bar on {@code out}, redrawn in place when {@code interactive}, else a line every 5 seconds. */
    public ProgressBar(PrintStream out, boolean interactive) {
        this(out, interactive, DEFAULT_REFRESH_SECONDS);
    }

    /** As {@link #ProgressBar(PrintStream, boolean)}, printing a line at most every {@code refreshSeconds} when not interactive. */
    public ProgressBar(PrintStream out, boolean interactive, double refreshSeconds) {
        this.out = Objects.requireNonNull(out, "out");
        this.interactive = interactive;
        if (!(refreshSeconds >= 0) || Double.isInfinite(refreshSeconds)) {
            throw new IllegalArgumentException("refreshSeconds must be a finite number >= 0, got " + refreshSeconds);
        }
        this.refreshNanos = interactive ? INTERACTIVE_REFRESH_NANOS : (long) (refreshSeconds * 1e9);
    }

    /** A bar on {@code System.out}, interactive when the JVM has a console. */
    public static ProgressBar forConsole() {
        return new ProgressBar(System.out, System.console() != null);
    }

    /** Whether lines are redrawn in place. */
    public boolean isInteractive() {
        return interactive;
    }

    // ---------------------------------------------------------------- hooks

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        train = null;
        active = null;
        lineOpen = false;
        lastLineLength = 0;
        vNum = null;
        vNumResolved = false;
    }

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        if (trainer.globalRank() != 0) {
            return;
        }
        train = new Bar(trainDescription(trainer), trainer.numTrainingBatches(), true);
        start(trainer, train);
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch, int batchIdx) {
        Bar bar = train;
        if (bar == null) {
            return;
        }
        bar.position = batchIdx + 1L;
        bar.processed++;
        if (active == bar) {
            maybeDraw(trainer);
        }
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        if (train == null) {
            return;
        }
        active = train;
        finishLine(trainer);
    }

    @Override
    public void onTrainEnd(TrainerView trainer, LightningModule module) {
        closeLine();
        train = null;
        active = null;
    }

    @Override
    public void onValidationStart(TrainerView trainer, LightningModule module) {
        if (trainer.isSanityChecking() || trainer.globalRank() != 0) {
            return;
        }
        start(trainer, new Bar("Validation", trainer.numEvaluationBatches(), false));
    }

    @Override
    public void onValidationBatchEnd(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                                     int dataloaderIdx) {
        if (!trainer.isSanityChecking()) {
            advance(trainer);
        }
    }

    @Override
    public void onValidationEnd(TrainerView trainer, LightningModule module) {
        if (trainer.isSanityChecking() || active == null || active == train) {
            return;
        }
        if (train != null && trainer.stage() == Stage.FIT) {
            // The validation bar goes away, as Lightning's does; the train line comes back with the new metrics.
            active = train;
            if (interactive) {
                draw(trainer, System.nanoTime());
            }
        } else {
            finishLine(trainer);
            active = null;
        }
    }

    @Override
    public void onTestStart(TrainerView trainer, LightningModule module) {
        if (trainer.globalRank() == 0) {
            start(trainer, new Bar("Testing", trainer.numEvaluationBatches(), false));
        }
    }

    @Override
    public void onTestBatchEnd(TrainerView trainer, LightningModule module, Batch batch, int batchIdx,
                               int dataloaderIdx) {
        advance(trainer);
    }

    @Override
    public void onTestEnd(TrainerView trainer, LightningModule module) {
        endEvaluation(trainer);
    }

    @Override
    public void onPredictStart(TrainerView trainer, LightningModule module) {
        if (trainer.globalRank() == 0) {
            start(trainer, new Bar("Predicting", trainer.numEvaluationBatches(), false));
        }
    }

    @Override
    public void onPredictBatchEnd(TrainerView trainer, LightningModule module, Object prediction, Batch batch,
                                  int batchIdx, int dataloaderIdx) {
        advance(trainer);
    }

    @Override
    public void onPredictEnd(TrainerView trainer, LightningModule module) {
        endEvaluation(trainer);
    }

    @Override
    public void onException(TrainerView trainer, LightningModule module, Throwable error) {
        closeLine();
    }

    // ---------------------------------------------------------------- drawing

    private void start(TrainerView trainer, Bar bar) {
        active = bar;
        long now = System.nanoTime();
        bar.startNanos = now;
        if (interactive) {
            draw(trainer, now);
        } else {
            nextDrawNanos = now + refreshNanos;
        }
    }

    private void advance(TrainerView trainer) {
        Bar bar = active;
        if (bar == null || bar == train) {
            return;
        }
        bar.position++;
        bar.processed++;
        maybeDraw(trainer);
    }

    private void endEvaluation(TrainerView trainer) {
        if (active != null && active != train) {
            finishLine(trainer);
        }
        active = null;
    }

    private void maybeDraw(TrainerView trainer) {
        long now = System.nanoTime();
        if (now - nextDrawNanos >= 0) {
            draw(trainer, now);
        }
    }

    /** Draws the active bar's final state and ends its line. */
    private void finishLine(TrainerView trainer) {
        draw(trainer, System.nanoTime());
        closeLine();
    }

    private void closeLine() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
            lastLineLength = 0;
        }
    }

    private void draw(TrainerView trainer, long now) {
        Bar bar = active;
        if (bar == null) {
            return;
        }
        nextDrawNanos = now + refreshNanos;
        String line = render(bar, now, bar.withMetrics ? postfix(trainer) : "");
        if (interactive) {
            StringBuilder s = new StringBuilder(line.length() + 8).append('\r').append(line);
            for (int i = line.length(); i < lastLineLength; i++) {
                s.append(' ');
            }
            out.print(s);
            out.flush();
            lineOpen = true;
            lastLineLength = line.length();
        } else {
            out.println(line);
            out.flush();
        }
    }

    private static String render(Bar bar, long now, String postfix) {
        double elapsed = Math.max(0, now - bar.startNanos) / 1e9;
        double rate = elapsed > 0 ? bar.processed / elapsed : 0;
        StringBuilder s = new StringBuilder(96).append(bar.description).append(": ");
        if (bar.total > 0) {
            long n = Math.min(bar.position, bar.total);
            int percent = (int) (100 * n / bar.total);
            int filled = (int) (BAR_WIDTH * n / bar.total);
            if (percent < 100) {
                s.append(percent < 10 ? "  " : " ");
            }
            s.append(percent).append("%|").append("#".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled))
                    .append("| ").append(bar.position).append('/').append(bar.total)
                    .append(" [").append(interval(elapsed)).append('<');
            s.append(rate > 0 ? interval(Math.max(0, bar.total - bar.position) / rate) : "?");
        } else {
            s.append(bar.position).append(" [").append(interval(elapsed));
        }
        s.append(", ");
        if (rate <= 0) {
            s.append("?it/s");
        } else if (rate >= 1) {
            s.append(String.format(Locale.ROOT, "%.2fit/s", rate));
        } else {
            s.append(String.format(Locale.ROOT, "%.2fs/it", 1 / rate));
        }
        s.append(postfix).append(']');
        return s.toString();
    }

    private String postfix(TrainerView trainer) {
        StringBuilder s = new StringBuilder();
        String version = versionNumber(trainer);
        if (version != null) {
            s.append(", v_num=").append(version);
        }
        for (Map.Entry<String, Double> e : trainer.progressBarMetrics().entrySet()) {
            if ("v_num".equals(e.getKey()) || e.getValue() == null) {
                continue;
            }
            s.append(", ").append(e.getKey()).append('=').append(formatNumber(e.getValue()));
        }
        return s.toString();
    }

    /** The first logger's version: its number for {@code version_N}, else its last 4 characters (Lightning's). */
    private String versionNumber(TrainerView trainer) {
        if (!vNumResolved) {
            vNumResolved = true;
            List<ExperimentLogger> loggers = trainer.loggers();
            if (loggers != null && !loggers.isEmpty()) {
                String version = loggers.get(0).version();
                if (version != null && !version.isEmpty()) {
                    Matcher m = VERSION_NUMBER.matcher(version);
                    vNum = m.matches() ? stripLeadingZeros(m.group(1))
                            : version.substring(Math.max(0, version.length() - 4));
                }
            }
        }
        return vNum;
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    private String trainDescription(TrainerView trainer) {
        int maxEpochs = trainer.maxEpochs();
        String epoch = "Epoch " + trainer.currentEpoch();
        return maxEpochs > 0 ? epoch + "/" + (maxEpochs - 1) : epoch;
    }

    /** {@code H:MM:SS} or {@code MM:SS}, as tqdm. */
    static String interval(double seconds) {
        long total = (long) seconds;
        long h = total / 3600;
        long m = (total / 60) % 60;
        long s = total % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%02d:%02d", m, s);
    }

    /**
     * A metric with 4 significant digits, as Python's {@code format(v, ".4g")} with tqdm's short exponent
     * ({@code 0.1235}, {@code 1.235e+5}); integral values below a million print as integers.
     */
    static String formatNumber(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(4, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent >= -4 && exponent < 4) {
            return rounded.stripTrailingZeros().toPlainString();
        }
        String mantissa = rounded.movePointLeft(exponent).stripTrailingZeros().toPlainString();
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
    }

    /** One progress bar: what it counts and how far it got. */
    private static final class Bar {
        final String description;
        final long total;
        final boolean withMetrics;
        long startNanos;
        long position;
        long processed;

        Bar(String description, long total, boolean withMetrics) {
            this.description = description;
            this.total = total;
            this.withMetrics = withMetrics;
        }
    }
}
