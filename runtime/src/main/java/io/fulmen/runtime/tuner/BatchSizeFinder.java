package io.fulmen.runtime.tuner;

import io.fulmen.LightningModule;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataSource;
import io.fulmen.runtime.FitTuning;
import io.fulmen.runtime.Trainer;
import org.apiguardian.api.API;

import java.util.Objects;

/**
 * Lightning's {@code BatchSizeFinder} callback: at the start of fit it runs {@link Tuner#scaleBatchSize} with its
 * options, leaving the size found on the module's or DataModule's batch-size attribute, then fit trains with it
 * from the module's weights as they were. Not run when fit resumes from a checkpoint.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public final class BatchSizeFinder implements Callback, FitTuning {
    private final BatchSizeOptions options;
    private volatile int optimalBatchSize = -1;

    public BatchSizeFinder() {
        this(BatchSizeOptions.defaults());
    }

    public BatchSizeFinder(BatchSizeOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public void tuneBeforeFit(Trainer trainer, LightningModule module, DataSource data) {
        optimalBatchSize = Tuner.scaleBatchSize(trainer, module, data, options);
    }

    /** The size the last search found ({@code optimal_batch_size}), or -1 before the first fit. */
    public int optimalBatchSize() {
        return optimalBatchSize;
    }
}
