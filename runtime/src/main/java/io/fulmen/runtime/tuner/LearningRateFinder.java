package io.fulmen.runtime.tuner;

import io.fulmen.LightningModule;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataSource;
import io.fulmen.runtime.FitTuning;
import io.fulmen.runtime.Trainer;
import org.apiguardian.api.API;

import java.util.Objects;

/**
 * Lightning's {@code LearningRateFinder} callback: at the start of fit it runs {@link Tuner#lrFind} with its
 * options (and, by default, sets the module's learning rate to the suggestion), then fit trains from the module's
 * weights as they were. Not run when fit resumes from a checkpoint; {@code milestones} (re-running it at later
 * epochs) are not supported.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class LearningRateFinder implements Callback, FitTuning {
    private final LrFindOptions options;
    private volatile LrFindResult result;

    public LearningRateFinder() {
        this(LrFindOptions.defaults());
    }

    public LearningRateFinder(LrFindOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public void tuneBeforeFit(Trainer trainer, LightningModule module, DataSource data) {
        result = Tuner.lrFind(trainer, module, data, options);
    }

    /** The last search's results, or null before the first fit. */
    public LrFindResult result() {
        return result;
    }

    /** The learning rate the last search suggested ({@code optimal_lr.suggestion()}), or null. */
    public Double optimalLr() {
        LrFindResult r = result;
        return r == null ? null : r.suggestion();
    }
}
