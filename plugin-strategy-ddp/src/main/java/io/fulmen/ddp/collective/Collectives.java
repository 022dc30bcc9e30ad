package io.fulmen.ddp.collective;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Forms process groups: the entry point of the collective layer, on Gloo (Debian's {@code libgloo-dev}) through a JNI
 * shim that this module's build compiles where Gloo and g++ are installed.
 *
 * <p>Gloo listens on the address this machine uses to reach rank 0's store ({@link Rendezvous#tcp}), or on this
 * host's address ({@link Rendezvous#sharedDirectory}); {@code GLOO_SOCKET_IFNAME} (as in PyTorch) names the network
 * interface instead. Every rank also answers on a small liveness port of its own, so that a failed operation can
 * name the rank that died or hangs.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
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
