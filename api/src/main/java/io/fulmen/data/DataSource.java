package io.fulmen.data;

import org.apiguardian.api.API;

/**
 * Where a Trainer call gets its data (Lightning's {@code datamodule=} or {@code dataloaders=} arguments): a
 * {@link io.fulmen.LightningDataModule}, one {@link DataLoader} (the loader of the stage being run: training for
 * fit, validation for validate, and so on), or {@link #loaders(DataLoader, DataLoader)} for fit's train and
 * validation loaders. Loaders passed to a call take precedence over the DataModule's and the module's hooks.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface DataSource {
    /**
     * Fit's training and validation loaders; either may be null, and a null one falls back to the module's
     * {@code trainDataloader()} / {@code valDataloader()}.
     */
    static DataSource loaders(DataLoader train, DataLoader val) {
        return new Loaders(train, val);
    }

    /** A training and a validation loader, as {@link #loaders(DataLoader, DataLoader)} makes them. */
    record Loaders(DataLoader train, DataLoader val) implements DataSource {}
}
