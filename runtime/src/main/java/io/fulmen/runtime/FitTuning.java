package io.fulmen.runtime;

import io.fulmen.LightningModule;
import io.fulmen.data.DataSource;
import org.apiguardian.api.API;

/**
 * A callback that tunes before fit trains (Lightning's {@code LearningRateFinder} and {@code BatchSizeFinder}, which
 * run their search in {@code on_fit_start}): {@link Trainer#fit} calls it first, with the same module and data. Not
 * called when fit resumes from a checkpoint.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public interface FitTuning {
    /** Runs the search through {@link TuningAccess#trialFit} and applies what it found to the module. */
    void tuneBeforeFit(Trainer trainer, LightningModule module, DataSource data);
}
