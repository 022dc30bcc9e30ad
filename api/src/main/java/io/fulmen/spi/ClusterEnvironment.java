package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * Who this process is in a distributed run, and where its peers meet (Lightning's {@code ClusterEnvironment}): read
 * from what a launcher or scheduler set (torchrun's variables, SLURM's), or Fulmen's own launcher. A data-parallel
 * {@link Strategy} receives it through {@link StrategyContext#clusterEnvironment()}; a single-process run sees
 * {@link #singleProcess()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface ClusterEnvironment {
    /** The name of this kind of environment ({@code "lightning"}, {@code "torchelastic"}, {@code "slurm"}). */
    String name();

    /**
     * Whether something outside the Trainer started every process (torchrun, SLURM, {@code fulmen-run}); when
     * false, the strategy launches the other local processes itself.
     */
    boolean createsProcessesExternally();

    /** The host name or address of the process of global rank 0, as the others reach it ({@code MASTER_ADDR}). */
    String mainAddress();

    /** The port rank 0 serves the rendezvous on ({@code MASTER_PORT}). */
    int mainPort();

    /** The number of processes in all ({@code WORLD_SIZE}). */
    int worldSize();

    /** This process's rank among all processes ({@code RANK}). */
    int globalRank();

    /** This process's rank on its node ({@code LOCAL_RANK}). */
    int localRank();

    /** This node's rank ({@code NODE_RANK}). */
    int nodeRank();

    /** One process alone: world size 1, every rank 0, on {@code 127.0.0.1}. */
    static ClusterEnvironment singleProcess() {
        return SingleProcessEnvironment.INSTANCE;
    }
}
