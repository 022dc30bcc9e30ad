package io.fulmen.spi;

import io.fulmen.LightningModule;

import java.nio.file.Path;
import java.util.Map;

/**
 * Rebuilds modules from checkpoints; the runtime provides it (through {@code ServiceLoader}), so
 * {@link LightningModule#loadFromCheckpoint} works without the api knowing the checkpoint format.
 */
public interface ModuleLoader {
    <T extends LightningModule> T load(Class<T> type, Path checkpoint, Map<String, ?> overrides);
}
