package io.fulmen.spi;

import ai.djl.Device;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Strategy} is set up with, once per Trainer: the accelerator, the devices of this node, the node
 * count, the precision and checkpoint I/O it composes, and the cluster environment that says which process this is.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record StrategyContext(Accelerator accelerator, List<Device> devices, int numNodes, Precision precision,
                              CheckpointIO checkpointIO, ClusterEnvironment clusterEnvironment) {
    public StrategyContext {
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(clusterEnvironment, "clusterEnvironment");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(checkpointIO, "checkpointIO");
        devices = List.copyOf(devices);
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a strategy needs at least one device");
        }
        if (numNodes < 1) {
            throw new IllegalArgumentException("numNodes must be >= 1, got " + numNodes);
        }
    }

    /** A context for one process ({@link ClusterEnvironment#singleProcess()}). */
    public StrategyContext(Accelerator accelerator, List<Device> devices, int numNodes, Precision precision,
                           CheckpointIO checkpointIO) {
        this(accelerator, devices, numNodes, precision, checkpointIO, ClusterEnvironment.singleProcess());
    }
}
