package io.fulmen.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much CPU other processes took while a measurement ran: the machine's busy time ({@code /proc/stat}) minus
 * this JVM's ({@code /proc/self/stat}), in cores. On a small shared machine another process's burst slows libtorch's
 * spinning thread pool many times over, so a measurement taken beside one says nothing about Fulmen; the benchmark
 * uses this to tell quiet measurements from disturbed ones. Without {@code /proc} (not Linux) it reports zero.
 */
final class CpuMonitor {
    /** Linux reports both files in USER_HZ ticks, 100 per second on every common configuration. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path STAT = Path.of("/proc/stat");
    private static final Path SELF = Path.of("/proc/self/stat");

    private final long machineBusy;
    private final long selfBusy;
    private final long startNanos;

    private CpuMonitor(long machineBusy, long selfBusy) {
        this.machineBusy = machineBusy;
        this.selfBusy = selfBusy;
        this.startNanos = System.nanoTime();
    }

    static CpuMonitor start() {
        return new CpuMonitor(machineBusyTicks(), selfBusyTicks());
    }

    /** Cores' worth of CPU that other processes used since {@link #start()}. */
    double otherCores() {
        long machine = machineBusyTicks() - machineBusy;
        long self = selfBusyTicks() - selfBusy;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (machine < 0 || seconds <= 0) {
            return 0;
        }
        return Math.max(0, (machine - self) / TICKS_PER_SECOND / seconds);
    }

    /** user + nice + system + irq + softirq + steal of the aggregate "cpu" line. */
    private static long machineBusyTicks() {
        try {
            String line = Files.readAllLines(STAT).get(0);
            String[] f = line.trim().split("\\s+");
            long busy = 0;
            int[] busyFields = {1, 2, 3, 6, 7, 8};
            for (int i : busyFields) {
                if (i < f.length) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime of this process (all threads). */
    private static long selfBusyTicks() {
        try {
            String s = Files.readString(SELF);
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
            // after "(comm) ": state is field 3 of the man page, utime 14 and stime 15
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
