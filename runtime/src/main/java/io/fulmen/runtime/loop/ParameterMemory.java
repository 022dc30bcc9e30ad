package io.fulmen.runtime.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.fulmen.ParameterOwner;

/** The native memory of a module's parameters: a long-lived manager on the training device, and its store. */
final class ParameterMemory implements ParameterOwner {
    private final NDManager manager;
    private final ParameterStore store;
    private int initializedBlocks;
    private final java.util.Set<ai.djl.nn.Block> knownInitialized =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    ParameterMemory(Device device, String engine) {
        this.manager = NDManager.newBaseManager(device, engine);
        this.manager.setName("fulmen-parameters");
        this.store = new ParameterStore(manager, false);
    }

    NDManager manager() {
        return manager;
    }

    ParameterStore store() {
        return store;
    }

    Device device() {
        return manager.getDevice();
    }

    /** Whether {@code block} was seen initialised; cheaper than asking DJL, which rebuilds parameter lists. */
    boolean isInitialized(ai.djl.nn.Block block) {
        return knownInitialized.contains(block);
    }

    void markInitialized(ai.djl.nn.Block block) {
        knownInitialized.add(block);
    }

    /** Counts lazily initialised blocks, so each draws a different initialisation seed. */
    int nextBlockOrdinal() {
        return initializedBlocks++;
    }

    @Override
    public void close() {
        manager.close();
    }
}
