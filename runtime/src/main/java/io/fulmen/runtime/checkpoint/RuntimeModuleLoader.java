package io.fulmen.runtime.checkpoint;

import io.fulmen.LightningModule;
import io.fulmen.spi.ModuleLoader;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.Map;

/** The runtime's {@link ModuleLoader}: {@link Checkpoints#loadFromCheckpoint}. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class RuntimeModuleLoader implements ModuleLoader {
    @Override
    public <T extends LightningModule> T load(Class<T> type, Path checkpoint, Map<String, ?> overrides) {
        return Checkpoints.loadFromCheckpoint(type, checkpoint, overrides);
    }
}
