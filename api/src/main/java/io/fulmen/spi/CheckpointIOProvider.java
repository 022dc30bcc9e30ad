package io.fulmen.spi;

/**
 * Creates a {@link CheckpointIO}; {@code Trainer.builder().checkpointIO("async")} picks one by name, and the
 * strategy saves, loads and removes checkpoints through it.
 */
public interface CheckpointIOProvider extends ComponentProvider<CheckpointIO> {}
