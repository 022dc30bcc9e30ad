package io.fulmen.runtime;

import io.fulmen.LightningModule;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataSource;
import org.apiguardian.api.API;

import java.util.List;

/** The tuners' way into a Trainer's trial fits; for {@code io.fulmen.runtime.tuner}, not for user code. */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class TuningAccess {
    private TuningAccess() {}

    /**
     * Fits {@code module} on {@code data} for at most {@code steps} optimizer steps with only {@code callbacks}: no
     * validation, checkpoints, progress bar or logging. Afterwards the module's weights and the Trainer's progress
     * are what they were before (Lightning's tuner saves and restores a checkpoint around its runs).
     */
    public static void trialFit(Trainer trainer, LightningModule module, DataSource data, List<Callback> callbacks,
                                long steps) {
        trainer.tuningFit(module, data, List.copyOf(callbacks), steps);
    }
}
