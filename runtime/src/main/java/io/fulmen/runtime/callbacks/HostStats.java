package io.fulmen.runtime.callbacks;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statistics of the host and of this process, for {@link DeviceStatsMonitor} on the CPU. Lightning's
 * {@code get_cpu_stats} keys ({@code cpu_percent}, {@code cpu_vm_percent}, {@code cpu_swap_percent}, system-wide as
 * psutil reports them) plus this process: resident memory ({@code process_rss_bytes}, which holds libtorch's native
 * tensors: DJL exposes no allocator statistics of its own), CPU use ({@code process_cpu_percent}, per core as psutil's
 * {@code Process.cpu_percent}: 200 is two busy cores), the JVM heap in use and the JVM's direct buffers.
 *
 * <p>One instance per monitor: the process CPU share is measured between two samples at least 100 ms apart (the
 * first since the JVM started); samples closer together repeat the last share. A value the platform cannot give is left out.
 */
final class HostStats {
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final Path proc;
    /** Shorter windows are below the process CPU clock's resolution (a tick can exceed the whole window). */
    private static final long MIN_WINDOW_NANOS = 100_000_000L;

    private long lastCpuNanos;
    private long lastWallNanos;
    private double lastCpuPercent = Double.NaN;

    HostStats() {
        this(Path.of("/proc"));
    }

    HostStats(Path proc) {
        this.proc = proc;
        this.lastCpuNanos = 0;
        this.lastWallNanos = System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
    }

    /** The statistics now. */
    Map<String, Double> sample() {
        Map<String, Double> stats = new LinkedHashMap<>();
        Map<String, Long> meminfo = kilobytes(proc.resolve("meminfo"));
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            double load = sun.getCpuLoad();
            if (load >= 0) {
                stats.put("cpu_percent", 100 * load);
            }
            long total = meminfo.getOrDefault("MemTotal", sun.getTotalMemorySize() / 1024);
            long available = meminfo.getOrDefault("MemAvailable", sun.getFreeMemorySize() / 1024);
            if (total > 0) {
                stats.put("cpu_vm_percent", 100.0 * (total - available) / total);
            }
            long swapTotal = meminfo.getOrDefault("SwapTotal", sun.getTotalSwapSpaceSize() / 1024);
            long swapFree = meminfo.getOrDefault("SwapFree", sun.getFreeSwapSpaceSize() / 1024);
            stats.put("cpu_swap_percent", swapTotal > 0 ? 100.0 * (swapTotal - swapFree) / swapTotal : 0.0);
            long cpu = sun.getProcessCpuTime();
            long wall = System.nanoTime();
            if (cpu >= 0 && wall - lastWallNanos >= MIN_WINDOW_NANOS) {
                double cores = Runtime.getRuntime().availableProcessors();
                double percent = 100.0 * (cpu - lastCpuNanos) / (wall - lastWallNanos);
                lastCpuPercent = Math.max(0, Math.min(100 * cores, percent));
                lastCpuNanos = cpu;
                lastWallNanos = wall;
            }
            if (!Double.isNaN(lastCpuPercent)) {
                stats.put("process_cpu_percent", lastCpuPercent);
            }
        }
        Long rss = kilobytes(proc.resolve("self/status")).get("VmRSS");
        if (rss != null) {
            stats.put("process_rss_bytes", rss * 1024.0);
        }
        stats.put("jvm_heap_used_bytes", (double) ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        pools.stream().filter(p -> p.getName().equals("direct")).findFirst()
                .ifPresent(p -> stats.put("jvm_direct_buffer_bytes", (double) p.getMemoryUsed()));
        return stats;
    }

    /** The "Key:   1234 kB" lines of a /proc file, in kB; empty when it cannot be read (not Linux). */
    private static Map<String, Long> kilobytes(Path file) {
        Map<String, Long> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.endsWith(" kB")) {
                    String number = line.substring(colon + 1, line.length() - 3).trim();
                    try {
                        values.put(line.substring(0, colon), Long.parseLong(number));
                    } catch (NumberFormatException e) {
                        // not a size line
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return values;
    }
}
