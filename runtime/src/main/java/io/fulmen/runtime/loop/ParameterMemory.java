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

    /** Counts lazily initialised blocks, so each draws a different initialisation seed. */
    int nextBlockOrdinal() {
        return initializedBlocks++;
    }

    @Override
    public void close() {
        manager.close();
    }
}
