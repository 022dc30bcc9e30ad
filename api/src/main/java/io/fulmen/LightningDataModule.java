package io.fulmen;

import io.fulmen.data.CombinedLoader;
import io.fulmen.data.DataLoader;
import io.fulmen.data.DataSource;
import io.fulmen.internal.DataLoaderLists;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * The data of an experiment in one place (Lightning's {@code LightningDataModule}): download or locate it in
 * {@link #prepareData()}, split it in {@link #setup(Stage)}, and hand out loaders.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public abstract class LightningDataModule implements DataSource {
    private final Hyperparameters hyperparameters = new Hyperparameters();

    /** Called once per fit/validate/test/predict, on global rank 0 only: download, locate or unpack. */
    public void prepareData() {}

    /** Called on every process: build datasets and splits for {@code stage}. */
    public void setup(Stage stage) {}

    public void teardown(Stage stage) {}

    public DataLoader trainDataloader() {
        return null;
    }

    public DataLoader valDataloader() {
        return null;
    }

    public DataLoader testDataloader() {
        return null;
    }

    public DataLoader predictDataloader() {
        return null;
    }

    /** Several validation loaders (a list from {@code val_dataloader}); the default is {@link #valDataloader()}. */
    public List<DataLoader> valDataloaders() {
        return DataLoaderLists.single(valDataloader());
    }

    /** Several test loaders; the default is {@link #testDataloader()}. */
    public List<DataLoader> testDataloaders() {
        return DataLoaderLists.single(testDataloader());
    }

    /** Several predict loaders; the default is {@link #predictDataloader()}. */
    public List<DataLoader> predictDataloaders() {
        return DataLoaderLists.single(predictDataloader());
    }

    /** Training batches from several loaders at once; null (the default) trains on {@link #trainDataloader()}. */
    public CombinedLoader trainCombinedLoader() {
        return null;
    }

    /** State to keep in checkpoints (plain JSON values), e.g. a sampler position; empty by default. */
    public Map<String, Object> stateDict() {
        return Map.of();
    }

    /** Restores what {@link #stateDict()} returned, when a fit resumes from a checkpoint. */
    public void loadStateDict(Map<String, Object> state) {}

    /** Records hyperparameters as name/value pairs; they go to every logger with the module's. */
    protected final void saveHyperparameters(Object... namesAndValues) {
        hyperparameters.putPairs(namesAndValues);
    }

    /** Records every component of {@code hparams} as a hyperparameter and returns it. */
    protected final <R extends Record> R saveHyperparameters(R hparams) {
        hyperparameters.putRecord(hparams);
        return hparams;
    }

    /** The saved hyperparameters. */
    public final Map<String, Object> hparams() {
        return hyperparameters.view();
    }

    /** The store itself, for the module's accessor (a tuner updating a value). */
    Hyperparameters hyperparameters() {
        return hyperparameters;
    }
}
