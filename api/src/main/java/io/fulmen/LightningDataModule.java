package io.fulmen;

import io.fulmen.data.DataLoader;
import io.fulmen.data.DataSource;
import org.apiguardian.api.API;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data of an experiment in one place (Lightning's {@code LightningDataModule}): download or locate it in
 * {@link #prepareData()}, split it in {@link #setup(Stage)}, and hand out loaders.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public abstract class LightningDataModule implements DataSource {
    private final Map<String, Object> hyperparameters = new LinkedHashMap<>();

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

    /** State to keep in checkpoints (plain JSON values), e.g. a sampler position; empty by default. */
    public Map<String, Object> stateDict() {
        return Map.of();
    }

    /** Restores what {@link #stateDict()} returned, when a fit resumes from a checkpoint. */
    public void loadStateDict(Map<String, Object> state) {}

    protected final void saveHyperparameters(Object... namesAndValues) {
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            hyperparameters.put(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]);
        }
    }

    public final Map<String, Object> hparams() {
        return Collections.unmodifiableMap(hyperparameters);
    }
}
