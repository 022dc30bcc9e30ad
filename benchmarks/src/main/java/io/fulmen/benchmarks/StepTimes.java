package io.fulmen.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Durations of consecutive training steps, in nanoseconds, and the garbage collections and the bytes the timing
 * thread allocated on the heap between {@link #start()} and {@link #finish()}.
 */
final class StepTimes {
    private long[] nanos = new long[1024];
    private int count;
    private long last;
    private GcActivity gcAtStart;
    private GcActivity gc = GcActivity.NONE;
    private long allocatedAtStart = -1;
    private long allocated;

    /** Starts the clock; the first step runs from here. */
    void start() {
        gcAtStart = GcActivity.now();
        allocatedAtStart = allocatedBytes();
        last = System.nanoTime();
    }

    /** Ends the timed region: records the garbage collections since {@link #start()}. */
    void finish() {
        if (gcAtStart != null) {
            gc = GcActivity.now().minus(gcAtStart);
        }
        if (allocatedAtStart >= 0) {
            allocated = allocatedBytes() - allocatedAtStart;
        }
    }

    /** All steps of {@code parts}, one after another, and their garbage collections summed. */
    static StepTimes concat(List<StepTimes> parts) {
        StepTimes all = new StepTimes();
        all.nanos = new long[Math.max(1, parts.stream().mapToInt(StepTimes::steps).sum())];
        for (StepTimes p : parts) {
            System.arraycopy(p.nanos, 0, all.nanos, all.count, p.count);
            all.count += p.count;
            all.gc = all.gc.plus(p.gc);
            all.allocated += p.allocated;
        }
        return all;
    }

    /** Ends a step, which starts the next. */
    void lap() {
        long now = System.nanoTime();
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = now - last;
        last = now;
    }

    int steps() {
        return count;
    }

    /** Mean milliseconds per step: total time over steps. */
    double meanMs() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += nanos[i];
        }
        return sum / 1e6 / count;
    }

    /** The median step in milliseconds: what a step costs when nothing stalls it. */
    double medianMs() {
        long[] s = Arrays.copyOf(nanos, count);
        Arrays.sort(s);
        return (count % 2 == 1 ? s[count / 2] : (s[count / 2 - 1] + s[count / 2]) / 2.0) / 1e6;
    }

    /** The step at quantile {@code q} (0.5 the median, 0.99 the p99, 1 the slowest), in milliseconds. */
    double percentileMs(double q) {
        long[] s = Arrays.copyOf(nanos, count);
        Arrays.sort(s);
        return s[index(q)] / 1e6;
    }

    /** Garbage collections during the timed region (none before {@link #finish()}). */
    GcActivity gc() {
        return gc;
    }

    /** Mean milliseconds per step over all steps but the first (NaN with fewer than two). */
    double meanMsAfterFirst() {
        long sum = 0;
        for (int i = 1; i < count; i++) {
            sum += nanos[i];
        }
        return count < 2 ? Double.NaN : sum / 1e6 / (count - 1);
    }

    /** The first step in milliseconds (it opens the batch stream; in a fit, the first batch after the setup). */
    double firstMs() {
        return count == 0 ? Double.NaN : nanos[0] / 1e6;
    }

    /** Heap bytes the timing thread allocated per step (0 before {@link #finish()}). */
    double allocatedBytesPerStep() {
        return count == 0 ? 0 : (double) allocated / count;
    }

    /** Bytes this thread has allocated on the heap so far (HotSpot's counter; -1 where the JVM has none). */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads) {
            return threads.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    /** "p10 .. p50 .. p90 .. p99 .. max .. ms". */
    String distribution() {
        if (count == 0) {
            return "no steps";
        }
        long[] s = Arrays.copyOf(nanos, count);
        Arrays.sort(s);
        StringBuilder out = new StringBuilder();
        double[] quantiles = {0.10, 0.50, 0.90, 0.99};
        for (double q : quantiles) {
            out.append(String.format(Locale.ROOT, "p%d %.3f, ", Math.round(q * 100), s[index(q)] / 1e6));
        }
        return out.append(String.format(Locale.ROOT, "max %.3f ms", s[count - 1] / 1e6)).toString();
    }

    private int index(double q) {
        return (int) Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
    }
}
