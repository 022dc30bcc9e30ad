package io.fulmen.data;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Objects;

/**
 * Where a Trainer call gets its data (Lightning's {@code datamodule=} or {@code dataloaders=} arguments): a
 * {@link io.fulmen.LightningDataModule}, one {@link DataLoader} (the loader of the stage being run: training for
 * fit, validation for validate, and so on), {@link #several(List)} loaders for validate, test or predict, a
 * {@link CombinedLoader} to train on several loaders at once, or {@link #loaders(DataLoader, DataLoader)} for fit's
 * train and validation loaders. Loaders passed to a call take precedence over the DataModule's and the module's
 * hooks.
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

    /**
     * Fit's training data (a {@link DataLoader} or a {@link CombinedLoader}; null for the module's hooks) and its
     * validation loaders (null or empty for the module's hooks), each validated in turn with its index.
     */
    static DataSource trainAndVal(DataSource train, List<DataLoader> val) {
        if (train != null && !(train instanceof DataLoader) && !(train instanceof CombinedLoader)) {
            throw new IllegalArgumentException("fit trains on a DataLoader or a CombinedLoader, not on "
                    + train.getClass().getName());
        }
        return new TrainAndVal(train, val == null ? List.of() : List.copyOf(val));
    }

    /**
     * Several loaders for validate, test or predict (Lightning's list of {@code dataloaders}): each runs in turn,
     * its index passed to the step and the batch hooks, its metrics returned in a map of their own.
     */
    static DataSource several(List<DataLoader> loaders) {
        List<DataLoader> copy = List.copyOf(Objects.requireNonNull(loaders, "loaders"));
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("DataSource.several needs at least one loader");
        }
        return new Several(copy);
    }

    /** A training and a validation loader, as {@link #loaders(DataLoader, DataLoader)} makes them. */
    record Loaders(DataLoader train, DataLoader val) implements DataSource {}

    /** Fit's training data and validation loaders, as {@link #trainAndVal(DataSource, List)} makes them. */
    record TrainAndVal(DataSource train, List<DataLoader> val) implements DataSource {}

    /** Several loaders of one stage, as {@link #several(List)} makes them. */
    record Several(List<DataLoader> loaders) implements DataSource {}
}
