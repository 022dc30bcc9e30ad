package io.fulmen.spi;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import java.util.List;

/**
 * How training is spread over devices and processes (Lightning's {@code Strategy}). A single-device strategy is
 * trivial; a data-parallel one launches or joins ranks, synchronises gradients after backward and reduces metrics.
 * Collectives return new arrays on the input's manager.
 */
public interface Strategy {
    String name();

    void setup(StrategyContext context);

    /** The device this process trains on. */
    Device rootDevice();

    default int globalRank() {
        return 0;
    }

    default int localRank() {
        return 0;
    }

    default int nodeRank() {
        return 0;
    }

    default int worldSize() {
        return 1;
    }

    default boolean isGlobalZero() {
        return globalRank() == 0;
    }

    /** Waits until every process reaches the barrier called {@code name}. */
    default void barrier(String name) {}

    /** The array of rank {@code source}, on every rank. */
    default NDArray broadcast(NDArray array, int source) {
        return array;
    }

    default NDArray allReduce(NDArray array, ReduceOp op) {
        return array;
    }

    /** Arrays of every rank stacked along a new first axis. */
    default NDArray allGather(NDArray array) {
        return array.expandDims(0);
    }

    /** Reduces a scalar metric over ranks. */
    default double reduce(double value, ReduceOp op) {
        return value;
    }

    /** Called after every backward, before clipping and the step: where gradients are synchronised. */
    default void afterBackward(List<Parameter> parameters) {}

    /** Whether this process writes checkpoints. */
    default boolean writesCheckpoints() {
        return isGlobalZero();
    }

    /** Whether this process writes to experiment loggers. */
    default boolean writesLogs() {
        return isGlobalZero();
    }

    default void teardown() {}
}
