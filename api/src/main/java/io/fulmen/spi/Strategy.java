package io.fulmen.spi;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How training runs on devices and processes (Lightning's {@code Strategy}): it owns execution. The loops call only
 * the strategy to move a batch to the device, run backward, step an optimizer and save, load or remove
 * checkpoints; the strategy composes the {@link Precision} and the {@link CheckpointIO} it was set up with. A
 * single-device strategy is {@link SingleDeviceStrategy}, the base to extend; a data-parallel one also launches
 * or joins ranks, synchronises gradients in {@link #backward} and reduces metrics.
 *
 * <p>Collectives return new arrays on the input's manager.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface Strategy {
    /** The name users select it by. */
    String name();

    /** Called once per Trainer, before any call: the accelerator, devices, precision and checkpoint I/O to use. */
    void setup(StrategyContext context);

    /** The device this process trains on. */
    Device rootDevice();

    /** The rank of this process among all processes. */
    default int globalRank() {
        return 0;
    }

    /** The rank of this process on its node. */
    default int localRank() {
        return 0;
    }

    /** The rank of this node. */
    default int nodeRank() {
        return 0;
    }

    /** The number of processes. */
    default int worldSize() {
        return 1;
    }

    /** Whether this is the process of global rank zero. */
    default boolean isGlobalZero() {
        return globalRank() == 0;
    }

    /** Waits until every process reaches the barrier called {@code name}. */
    default void barrier(String name) {}

    /** The array of rank {@code source}, on every rank. */
    default NDArray broadcast(NDArray array, int source) {
        return array;
    }

    /** The element-wise reduction of {@code array} over every rank. */
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

    /**
     * One decision for every rank (Lightning's {@code reduce_boolean_decision}): true when every rank decided true
     * ({@code all}), or when any did.
     */
    default boolean reduceBooleanDecision(boolean decision, boolean all) {
        return decision;
    }

    /**
     * Called once per block when a run first uses its parameters (after lazy initialisation, or when they were
     * initialised before), before the block's first forward; a data-parallel strategy makes every rank start from
     * rank 0's values here.
     */
    default void parametersInitialized(List<Parameter> parameters) {}

    /** Moves a batch to {@link #rootDevice()} through the module's three transfer hooks, in Lightning's order. */
    Batch batchToDevice(Batch batch, LightningModule module, int dataloaderIdx);

    /**
     * Backward of {@code loss}: the precision's scaling, the engine's {@code autograd}, and whatever must happen to
     * the gradients of {@code parameters} before the step (their synchronisation across ranks).
     */
    void backward(NDArray loss, Autograd autograd, List<Parameter> parameters);

    /**
     * One optimizer step in order: the closure, the precision's unscale-and-check, the step hooks, clipping and
     * the update (skipped when the precision found inf/NaN), then the precision's update of its state.
     */
    void optimizerStep(OptimizerStep step);

    /** Saves a checkpoint through the checkpoint I/O, on the process that {@link #writesCheckpoints()}. */
    void saveCheckpoint(CheckpointData checkpoint, Path file);

    /** Loads a checkpoint through the checkpoint I/O; every process reads. */
    CheckpointData loadCheckpoint(Path file, NDManager manager);

    /**
     * Loads a checkpoint through the checkpoint I/O, reading into the arrays of {@code into} where it can (see
     * {@link CheckpointIO#load(Path, NDManager, Map)}); every process reads. The default ignores {@code into}.
     */
    default CheckpointData loadCheckpoint(Path file, NDManager manager, Map<String, NDArray> into) {
        return loadCheckpoint(file, manager);
    }

    /** Removes a checkpoint through the checkpoint I/O, on the process that {@link #writesCheckpoints()}. */
    void removeCheckpoint(Path file);

    /** Waits until the checkpoints saved and removed so far are on disk (called at the end of every call). */
    void flushCheckpoints();

    /** Whether this process writes checkpoints. */
    default boolean writesCheckpoints() {
        return isGlobalZero();
    }

    /** Whether this process writes to experiment loggers. */
    default boolean writesLogs() {
        return isGlobalZero();
    }

    /** Frees what the strategy holds, its checkpoint I/O included (the Trainer is closing). */
    void teardown();
}
