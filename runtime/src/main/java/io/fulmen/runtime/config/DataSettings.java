package io.fulmen.runtime.config;

import org.apiguardian.api.API;

/**
 * The Trainer's data arguments beside {@link TrainerSettings}: Lightning's {@code overfit_batches},
 * {@code reload_dataloaders_every_n_epochs} and {@code inference_mode}. Immutable.
 *
 * @param overfitBatches null when off; else the count or fraction of batches fit trains and validates on, every
 *                       epoch the same ones (shuffling is turned off, with a warning)
 * @param reloadDataloadersEveryNEpochs 0 when off; else fit asks the data hooks again every this many epochs
 * @param inferenceMode  Lightning's {@code inference_mode}: evaluation and prediction run with gradient recording
 *                       off either way (libtorch's InferenceMode guard is not reachable through DJL 0.36, so true
 *                       and false, Lightning's {@code no_grad}, behave alike)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public record DataSettings(BatchLimit overfitBatches, int reloadDataloadersEveryNEpochs, boolean inferenceMode) {
    /** Lightning's defaults: no overfitting, no reloading, inference mode on. */
    public static final DataSettings DEFAULTS = new DataSettings(null, 0, true);

    public DataSettings {
        if (reloadDataloadersEveryNEpochs < 0) {
            throw new IllegalArgumentException("reloadDataloadersEveryNEpochs must be >= 0, got "
                    + reloadDataloadersEveryNEpochs);
        }
        if (overfitBatches != null && (overfitBatches.isCount() ? overfitBatches.count() == 0
                : overfitBatches.fraction() == 0.0)) {
            overfitBatches = null;
        }
    }

    /** Whether {@code overfit_batches} is on. */
    public boolean overfitting() {
        return overfitBatches != null;
    }

    /** {@code limit_train_batches} as fit applies it: {@code overfit_batches} when that is on. */
    public BatchLimit trainLimit(TrainerSettings settings) {
        return overfitting() ? overfitBatches : settings.limitTrainBatches();
    }

    /** {@code limit_val_batches} as fit applies it: {@code overfit_batches} when that is on. */
    public BatchLimit valLimit(TrainerSettings settings) {
        return overfitting() ? overfitBatches : settings.limitValBatches();
    }

    public DataSettings withOverfitBatches(BatchLimit value) {
        return new DataSettings(value, reloadDataloadersEveryNEpochs, inferenceMode);
    }

    public DataSettings withReloadDataloadersEveryNEpochs(int value) {
        return new DataSettings(overfitBatches, value, inferenceMode);
    }

    public DataSettings withInferenceMode(boolean value) {
        return new DataSettings(overfitBatches, reloadDataloadersEveryNEpochs, value);
    }
}
