package io.fulmen.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Interleaved rounds of two timed runs, "with" and "without" something, alternating which goes first; a round where
 * other processes used more than {@code busy} cores is printed but not counted. The result is the median of the
 * per-round ratios with/without.
 */
final class PairedRounds {
    private PairedRounds() {}

    static double medianRatio(String what, int rounds, double busy, DoubleSupplier with, DoubleSupplier without) {
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            boolean withFirst = r % 2 == 0;
            CpuMonitor cpu = CpuMonitor.start();
            double a = withFirst ? with.getAsDouble() : without.getAsDouble();
            double b = withFirst ? without.getAsDouble() : with.getAsDouble();
            double other = cpu.otherCores();
            double withMs = withFirst ? a : b;
            double withoutMs = withFirst ? b : a;
            boolean counted = other <= busy;
            if (counted) {
                ratios.add(withMs / withoutMs);
            }
            System.out.printf(Locale.ROOT, "round %d: with %s %.3f ms/step, without %.3f ms/step, ratio %.3f;"
                    + " others %.2f cores%s%n", r + 1, what, withMs, withoutMs, withMs / withoutMs, other,
                    counted ? "" : ", not counted");
        }
        if (ratios.isEmpty()) {
            throw new IllegalStateException("every round was disturbed by other processes; run on a quieter machine");
        }
        Collections.sort(ratios);
        double median = ratios.get(ratios.size() / 2);
        System.out.printf(Locale.ROOT, "counted %d rounds of %d; median ratio %.4f%n", ratios.size(), rounds, median);
        return median;
    }
}
