package io.fulmen.runtime.callbacks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.loop.TrainerState;
import io.fulmen.spi.ExperimentLogger;
import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logs device statistics before and after every training batch that logs (every {@code log_every_n_steps}), as
 * Lightning's {@code DeviceStatsMonitor}: keys are {@code DeviceStatsMonitor.on_train_batch_start/<stat>} and
 * {@code DeviceStatsMonitor.on_train_batch_end/<stat>}, at the step the loggers use for training metrics.
 *
 * <p>On a GPU the statistics are the accelerator's ({@link io.fulmen.spi.Accelerator#deviceStats}); on the CPU they
 * are the host's and this process's (resident memory, CPU use, JVM heap: see {@link HostStats}). {@code cpu_stats}
 * as in Lightning: {@code null} logs the host statistics only when training on the CPU, {@code true} also on a GPU,
 * {@code false} never (then nothing is logged on the CPU). A fit whose Trainer has no logger fails at setup.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class DeviceStatsMonitor implements Callback {
    private final Boolean cpuStats;
    private HostStats host = new HostStats();
    /** The step of the batch in progress, read at its start: Lightning logs both hooks of a batch at one step. */
    private long batchStep;

    /** Lightning's default, {@code cpu_stats=None}. */
    public DeviceStatsMonitor() {
        this(null);
    }

    /** With Lightning's {@code cpu_stats}: null, true or false. */
    public DeviceStatsMonitor(Boolean cpuStats) {
        this.cpuStats = cpuStats;
    }

    /** The {@code cpu_stats} setting; null for Lightning's default. */
    public Boolean cpuStats() {
        return cpuStats;
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage != Stage.FIT) {
            return;
        }
        if (trainer.loggers().isEmpty()) {
            throw new IllegalStateException("Cannot use `DeviceStatsMonitor` callback with a Trainer that has no "
                    + "logger: add one (logger(\"csv\")) or remove the callback.");
        }
        host = new HostStats();
    }

    @Override
    public void onTrainBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx) {
        batchStep = trainer instanceof TrainerState s ? s.batchesThatStepped() : trainer.globalStep();
        log(trainer, "on_train_batch_start");
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        log(trainer, "on_train_batch_end");
    }

    private void log(TrainerView trainer, String hook) {
        long step = batchStep;
        if ((step + 1) % trainer.config().logEveryNSteps() != 0 && !trainer.shouldStop()) {
            return;
        }
        Device device = trainer.rootDevice();
        boolean onCpu = !device.isGpu();
        if (onCpu && Boolean.FALSE.equals(cpuStats)) {
            return;
        }
        Map<String, Double> stats = new LinkedHashMap<>(trainer.accelerator().deviceStats(device));
        if (onCpu || Boolean.TRUE.equals(cpuStats)) {
            stats.putAll(host.sample());
        }
        if (stats.isEmpty()) {
            return;
        }
        Map<String, Double> prefixed = new LinkedHashMap<>();
        String prefix = "DeviceStatsMonitor." + hook + "/";
        stats.forEach((k, v) -> prefixed.put(prefix + k, v));
        for (ExperimentLogger logger : trainer.loggers()) {
            logger.logMetrics(prefixed, step);
        }
    }
}
