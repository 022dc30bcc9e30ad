package io.fulmen.benchmarks;

import java.util.Arrays;

/** Durations of consecutive training steps, in nanoseconds. */
final class StepTimes {
    private long[] nanos = new long[1024];
    private int count;
    private long last;

    /** Starts the clock; the first step runs from here. */
    void start() {
        last = System.nanoTime();
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
        int i = (int) Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
        return s[i] / 1e6;
    }
}
