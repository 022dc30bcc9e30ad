package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A running average of a block's parameters (torch's {@code AveragedModel}), kept by parameter path in memory of
 * its own: the first update copies, later ones apply an averaging function in place. The averages can be swapped
 * into the block and back (validation), copied into it (end of training) and saved as tensors. Reads and writes of
 * the live parameters go through detached views, so nothing is recorded by autograd.
 */
final class AveragedParameters implements AutoCloseable {
    /** Updates {@code averaged} in place from {@code current}, {@code nAveraged} models averaged so far (&ge; 1). */
    @FunctionalInterface
    interface AverageFunction {
        void update(NDArray averaged, NDArray current, long nAveraged);
    }

    private final boolean withRunningStatistics;
    private final Map<String, NDArray> averages = new LinkedHashMap<>();
    private Map<String, NDArray> swappedOut;
    private NDManager manager;
    private long nAveraged;

    /** {@code withRunningStatistics}: also average batch-norm running mean/var (torch's {@code use_buffers}). */
    AveragedParameters(boolean withRunningStatistics) {
        this.withRunningStatistics = withRunningStatistics;
    }

    long nAveraged() {
        return nAveraged;
    }

    void nAveraged(long value) {
        this.nAveraged = value;
    }

    boolean isEmpty() {
        return averages.isEmpty();
    }

    /** torch's {@code update_parameters}: copies on the first update, else averages with {@code function}. */
    void update(Block block, AverageFunction function) {
        for (Pair<String, Parameter> named : block.getParameters()) {
            Parameter p = named.getValue();
            if (!included(p)) {
                continue;
            }
            try (NDArray current = p.getArray().stopGradient()) {
                NDArray avg = averages.get(named.getKey());
                if (avg == null || nAveraged == 0) {
                    store(named.getKey(), current);
                } else {
                    function.update(avg, current, nAveraged);
                }
            }
        }
        nAveraged++;
    }

    /** Writes the averages into the block's parameters. */
    void copyInto(Block block) {
        for (Pair<String, Parameter> named : block.getParameters()) {
            NDArray avg = averages.get(named.getKey());
            if (avg != null && named.getValue().isInitialized()) {
                write(named.getValue(), avg);
            }
        }
    }

    /** Puts the averages into the block, keeping its own values aside; a second call puts those back. */
    void swap(Block block) {
        if (swappedOut == null) {
            swappedOut = new LinkedHashMap<>();
            for (Pair<String, Parameter> named : block.getParameters()) {
                NDArray avg = averages.get(named.getKey());
                if (avg != null && named.getValue().isInitialized()) {
                    try (NDArray current = named.getValue().getArray().stopGradient()) {
                        NDArray copy = current.duplicate();
                        copy.attach(manager);
                        swappedOut.put(named.getKey(), copy);
                    }
                    write(named.getValue(), avg);
                }
            }
        } else {
            restoreSwapped(block);
        }
    }

    /** Puts back what {@link #swap} set aside, if anything. */
    void restoreSwapped(Block block) {
        if (swappedOut == null) {
            return;
        }
        for (Pair<String, Parameter> named : block.getParameters()) {
            NDArray saved = swappedOut.get(named.getKey());
            if (saved != null) {
                write(named.getValue(), saved);
                saved.close();
            }
        }
        swappedOut = null;
    }

    /** The averages by parameter path (live arrays, for a checkpoint being written). */
    Map<String, NDArray> tensors() {
        return averages;
    }

    /** Replaces the averages by copies of {@code saved}. */
    void load(Map<String, NDArray> saved) {
        clear();
        saved.forEach(this::store);
    }

    private boolean included(Parameter p) {
        if (!p.isInitialized()) {
            return false;
        }
        Parameter.Type type = p.getType();
        return withRunningStatistics
                || (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR);
    }

    private void store(String name, NDArray value) {
        if (manager == null) {
            manager = NDManager.newBaseManager(value.getDevice());
        }
        // toDevice(copy=true) on the same device may alias the source (torch's to() returns self): duplicate.
        NDArray copy = value.getDevice().equals(manager.getDevice()) ? value.duplicate()
                : value.toDevice(manager.getDevice(), true);
        copy.attach(manager);
        NDArray old = averages.put(name, copy);
        if (old != null) {
            old.close();
        }
    }

    /** {@code x * 0 + value} writes {@code value} bitwise for finite values, through a detached view. */
    private static void write(Parameter p, NDArray value) {
        try (NDArray view = p.getArray().stopGradient()) {
            view.muli(0).addi(value.toDevice(view.getDevice(), false));
        }
    }

    /** Drops the averages and the count. */
    void clear() {
        for (NDArray a : averages.values()) {
            a.close();
        }
        averages.clear();
        nAveraged = 0;
    }

    @Override
    public void close() {
        clear();
        swappedOut = null;
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }
}
