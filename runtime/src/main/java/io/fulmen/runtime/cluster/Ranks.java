package io.fulmen.runtime.cluster;

import io.fulmen.spi.ClusterEnvironment;

/** A {@link ClusterEnvironment} of fixed values, checked for consistency. */
record Ranks(String name, boolean createsProcessesExternally, String mainAddress, int mainPort, int worldSize,
             int globalRank, int localRank, int nodeRank) implements ClusterEnvironment {
    Ranks {
        if (worldSize < 1) {
            throw new IllegalArgumentException(name + " environment: world size " + worldSize + " must be >= 1");
        }
        if (globalRank >= worldSize) {
            throw new IllegalArgumentException(name + " environment: rank " + globalRank + " is outside the world of "
                    + worldSize + " process(es)");
        }
    }

    @Override
    public String toString() {
        return name + " environment (rank " + globalRank + " of " + worldSize + ", local rank " + localRank
                + ", node " + nodeRank + ", main " + mainAddress + ":" + mainPort + ")";
    }
}
