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

    /** DJL's name of the engine the parameters live on. */
    String engine() {
        return manager.getEngine().getEngineName();
    }

    /**
     * The same parameters on {@code engine}: each known block's arrays are copied onto a new manager of that engine
     * (through DJL's engine-neutral parameter encoding) and this memory is closed. Lets a module trained on one
     * engine be evaluated on another in the same JVM.
     */
    ParameterMemory movedTo(String engine) {
        ParameterMemory moved = new ParameterMemory(device(), engine);
        java.util.Set<ai.djl.nn.Parameter> seen =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        try {
            for (ai.djl.nn.Block block : knownInitialized) {
                for (ai.djl.nn.Parameter parameter : block.getParameters().values()) {
                    if (seen.add(parameter) && parameter.getArray() != null) {
                        copy(parameter, moved.manager);
                    }
                }
            }
        } catch (java.io.IOException | ai.djl.MalformedModelException e) {
            moved.close();
            throw new IllegalStateException("cannot move the module's parameters from " + engine() + " to " + engine
                    + ": " + e.getMessage(), e);
        }
        moved.knownInitialized.addAll(knownInitialized);
        moved.initializedBlocks = initializedBlocks;
        close();
        return moved;
    }

    private static void copy(ai.djl.nn.Parameter parameter, NDManager to)
            throws java.io.IOException, ai.djl.MalformedModelException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.DataOutputStream(bytes)) {
            parameter.save(out);
        }
        try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            parameter.load(to, in);
        }
        if (parameter.requiresGradient()) {
            try {
                parameter.getArray().setRequiresGradient(true);
            } catch (UnsupportedOperationException inferenceOnlyEngine) {
                // DJL's TensorFlow engine has no gradients; the flag stays on the Parameter for a move back
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
