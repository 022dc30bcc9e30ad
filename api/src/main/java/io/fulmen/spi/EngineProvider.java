package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * Creates the {@link ExecutionEngine} for one DJL engine: {@code Trainer.builder().engine("TensorFlow")} picks
 * the provider of that name, {@code "auto"} the available one with the highest priority (PyTorch, built into the
 * runtime). Availability says whether the engine's classes and natives can be loaded here; {@code create} loads
 * them, so it may take seconds the first time (a bundle extracting its natives).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface EngineProvider extends ComponentProvider<ExecutionEngine> {}
