package io.fulmen.ddp.collective;

import java.time.Duration;
import java.util.Objects;

/** Forms process groups: the entry point of the collective layer. */
public final class Collectives {

    private Collectives() {
    }

    /**
     * Joins the group of {@code worldSize} ranks as {@code rank}; returns when every rank has joined.
     *
     * @param rendezvous how the ranks find each other
     * @param rank this process's rank, {@code 0 <= rank < worldSize}
     * @param worldSize the number of ranks, at least 1
     * @param timeout how long forming the group, and later each operation, may take before failing
     * @return the connected collective
     * @throws IllegalArgumentException when rank, world size or timeout are out of range
     * @throws CollectiveException when the group cannot be formed within the timeout
     * @throws IllegalStateException when the native Gloo library is missing, naming the install command
     */
    public static Collective connect(Rendezvous rendezvous, int rank, int worldSize, Duration timeout) {
        Objects.requireNonNull(rendezvous, "rendezvous");
        Objects.requireNonNull(timeout, "timeout");
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size " + worldSize + " must be at least 1");
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is outside 0.." + (worldSize - 1));
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " must be positive");
        }
        return GlooGroupFormation.connect(rendezvous, rank, worldSize, timeout);
    }
}
