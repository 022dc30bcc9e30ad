package io.fulmen.spi;

import io.fulmen.LightningModule;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.Map;

/**
 * Rebuilds modules from checkpoints; the runtime provides it (through {@code ServiceLoader}), so
 * {@link LightningModule#loadFromCheckpoint} works without the api knowing the checkpoint format.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public interface ModuleLoader {
    <T extends LightningModule> T load(Class<T> type, Path checkpoint, Map<String, ?> overrides);
}
