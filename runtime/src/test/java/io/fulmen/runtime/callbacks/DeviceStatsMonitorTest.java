package io.fulmen.runtime.callbacks;

import ai.djl.Device;
import ai.djl.nn.Block;
import io.fulmen.LightningModule;
import io.fulmen.LoopConfig;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.DeviceSpec;
import io.fulmen.spi.ExperimentLogger;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitor's GPU path, which no machine here can run: a Trainer view on GPU 0 whose accelerator reports fixed
 * statistics, as the cuda accelerator reports its {@code cudaMemGetInfo} readings.
 */
class DeviceStatsMonitorTest {
    private final Map<String, Supplier<Object>> answers = new HashMap<>();
    private final TrainerView trainer = AnsweringTrainerView.of(answers);
    private final LightningModule module = new LightningModule() {
        @Override
        public Block block() {
            return null;
        }
    };
    private final List<String> logged = new ArrayList<>();
    private long globalStep;

    private final ExperimentLogger logger = new ExperimentLogger() {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public String version() {
            return "0";
        }

        @Override
        public void logHyperparams(Map<String, Object> params) {}

        @Override
        public void logMetrics(Map<String, Double> metrics, long step) {
            logged.add(step + " " + new TreeMap<>(metrics).keySet());
        }
    };

    /** GPU statistics as the cuda accelerator names them. */
    private static final class GpuStats implements Accelerator {
        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public List<Device> devices(DeviceSpec spec) {
            return List.of(Device.gpu(0));
        }

        @Override
        public Map<String, Double> deviceStats(Device device) {
            return Map.of("gpu_memory_used_bytes", 5e8, "gpu_memory_total_bytes", 1.4e11);
        }
    }

    private void onGpu(int logEveryNSteps) {
        answers.put("loggers", () -> List.of(logger));
        answers.put("globalStep", () -> globalStep);
        answers.put("rootDevice", () -> Device.gpu(0));
        answers.put("accelerator", GpuStats::new);
        answers.put("config", () -> new LoopConfig(1, 0, -1, -1, 1, 1.0, 0, 0, 1, logEveryNSteps));
    }

    private void batch(DeviceStatsMonitor monitor) {
        monitor.onTrainBatchStart(trainer, module, null, (int) globalStep);
        globalStep++;
        monitor.onTrainBatchEnd(trainer, module, null, null, (int) globalStep - 1);
    }

    @Test
    void onAGpuTheAcceleratorsStatsAreLoggedAtTheBatchsStep() {
        onGpu(1);
        DeviceStatsMonitor monitor = new DeviceStatsMonitor();
        monitor.setup(trainer, module, Stage.FIT);
        batch(monitor);
        assertEquals(List.of(
                "0 [DeviceStatsMonitor.on_train_batch_start/gpu_memory_total_bytes, "
                        + "DeviceStatsMonitor.on_train_batch_start/gpu_memory_used_bytes]",
                "0 [DeviceStatsMonitor.on_train_batch_end/gpu_memory_total_bytes, "
                        + "DeviceStatsMonitor.on_train_batch_end/gpu_memory_used_bytes]"), logged);
    }

    @Test
    void cpuStatsTrueAddsTheHostsOnAGpu() {
        onGpu(1);
        DeviceStatsMonitor monitor = new DeviceStatsMonitor(true);
        monitor.setup(trainer, module, Stage.FIT);
        batch(monitor);
        assertTrue(logged.get(0).contains("DeviceStatsMonitor.on_train_batch_start/gpu_memory_used_bytes")
                && logged.get(0).contains("DeviceStatsMonitor.on_train_batch_start/jvm_heap_used_bytes"), logged::toString);
    }

    @Test
    void onlyBatchesThatLogAreMonitored() {
        onGpu(2);
        DeviceStatsMonitor monitor = new DeviceStatsMonitor();
        monitor.setup(trainer, module, Stage.FIT);
        batch(monitor);
        assertEquals(List.of(), logged);
        batch(monitor);
        assertEquals(2, logged.size());
        assertTrue(logged.get(0).startsWith("1 ") && logged.get(1).startsWith("1 "), logged::toString);
    }
}
