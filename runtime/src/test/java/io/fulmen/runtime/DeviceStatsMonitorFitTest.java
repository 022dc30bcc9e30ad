package io.fulmen.runtime;

import io.fulmen.data.DataLoader;
import io.fulmen.runtime.callbacks.DeviceStatsMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code callbacks("device_stats_monitor")} on a real CPU fit, read back from the CSV logger's metrics.csv. */
class DeviceStatsMonitorFitTest {
    private static final String START = "DeviceStatsMonitor.on_train_batch_start/";
    private static final String END = "DeviceStatsMonitor.on_train_batch_end/";

    @TempDir
    Path root;

    private final DataLoader train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true);

    private TrainerBuilder trainer() {
        return Trainer.builder().defaultRootDir(root).maxEpochs(1).logEveryNSteps(1).seed(7).enableProgressBar(false)
                .enableModelSummary(false).enableCheckpointing(false).logger("csv");
    }

    /** metrics.csv as rows of column to value, empty cells left out. */
    private List<Map<String, String>> rows() throws Exception {
        List<String> lines = Files.readAllLines(root.resolve("fulmen_logs/version_0/metrics.csv"));
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                if (!cells[i].isEmpty()) {
                    row.put(header[i], cells[i]);
                }
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void cpuStatsAreLoggedAtEveryBatchStartAndEnd() throws Exception {
        try (var m = new Fixtures.Classifier(); var t = trainer().callbacks("device_stats_monitor").build()) {
            assertInstanceOf(DeviceStatsMonitor.class, t.callbacks().get(0));
            t.fit(m, train);
        }
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        List<Map<String, String>> stats = rows().stream().filter(r -> r.containsKey(START + "process_rss_bytes")
                || r.containsKey(END + "process_rss_bytes")).toList();
        List<String> steps = stats.stream().map(r -> r.get("step")).distinct().toList();
        assertEquals(List.of("0", "1", "2", "3"), steps, stats.toString());
        for (String prefix : new String[] {START, END}) {
            List<Map<String, String>> hook = stats.stream().filter(r -> r.containsKey(prefix + "process_rss_bytes"))
                    .toList();
            assertEquals(4, hook.size(), prefix + " " + stats);
            for (Map<String, String> r : hook) {
                double rss = Double.parseDouble(r.get(prefix + "process_rss_bytes"));
                assertTrue(rss > 50e6 && rss < physical, "RSS " + rss + " of " + physical);
                double heap = Double.parseDouble(r.get(prefix + "jvm_heap_used_bytes"));
                assertTrue(heap > 0 && heap < rss, "heap " + heap + ", RSS " + rss);
                double vm = Double.parseDouble(r.get(prefix + "cpu_vm_percent"));
                assertTrue(vm > 0 && vm <= 100, "cpu_vm_percent " + vm);
                double cpu = Double.parseDouble(r.get(prefix + "process_cpu_percent"));
                int cores = Runtime.getRuntime().availableProcessors();
                assertTrue(cpu >= 0 && cpu <= 100.0 * cores + 1, "process_cpu_percent " + cpu);
                double swap = Double.parseDouble(r.get(prefix + "cpu_swap_percent"));
                assertTrue(swap >= 0 && swap <= 100, "cpu_swap_percent " + swap);
            }
        }
    }

    @Test
    void cpuStatsFalseLogsNothingOnTheCpu() throws Exception {
        try (var m = new Fixtures.Classifier(); var t = trainer().callbacks("device_stats_monitor")
                .option("device_stats_monitor.cpu_stats", "false").build()) {
            assertEquals(false, ((DeviceStatsMonitor) t.callbacks().get(0)).cpuStats());
            t.fit(m, train);
        }
        String header = Files.readAllLines(root.resolve("fulmen_logs/version_0/metrics.csv")).get(0);
        assertFalse(header.contains("DeviceStatsMonitor"), header);
        assertTrue(Arrays.asList(header.split(",")).contains("train_loss"), header);
    }

    @Test
    void aTrainerWithoutLoggerCannotUseIt() {
        try (var m = new Fixtures.Classifier(); var t = trainer().logger(false).callbacks(new DeviceStatsMonitor())
                .build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fit(m, train));
            assertTrue(e.getMessage().startsWith("Cannot use `DeviceStatsMonitor` callback"), e.getMessage());
        }
    }
}
