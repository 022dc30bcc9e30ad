package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * Creates a {@link CheckpointIO}; {@code Trainer.builder().checkpointIO("async")} picks one by name, and the
 * strategy saves, loads and removes checkpoints through it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface CheckpointIOProvider extends ComponentProvider<CheckpointIO> {}
