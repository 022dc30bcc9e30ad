package io.fulmen.runtime.cluster;

import io.fulmen.spi.ClusterEnvironment;
import io.fulmen.spi.ClusterEnvironmentProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Lightning's own environment ({@code LightningEnvironment}), the fallback on one machine: without
 * {@code LOCAL_RANK} this process is rank 0 of {@code devices x num_nodes} and the strategy launches the others
 * itself, on {@code MASTER_ADDR} (default {@code 127.0.0.1}) and {@code MASTER_PORT} (default: a free port);
 * with {@code LOCAL_RANK} set (a process Fulmen's launcher started) it reads its ranks from the variables.
 */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class LightningEnvironmentProvider implements ClusterEnvironmentProvider {
    @Override
    public String name() {
        return "lightning";
    }

    @Override
    public String description() {
        return "one machine: Fulmen launches the other local processes (MASTER_ADDR, MASTER_PORT, NODE_RANK)";
    }

    @Override
    public int priority() {
        return -10;
    }

    @Override
    public boolean detect(Map<String, String> env) {
        return true;
    }

    @Override
    public ClusterEnvironment create(Map<String, String> env, ProviderContext context) {
        EnvVars v = new EnvVars(env);
        int devices = context.devices().orElse(1);
        int nodeRank = v.integer("NODE_RANK", v.integer("GROUP_RANK", 0));
        int localRank = v.integer("LOCAL_RANK", 0);
        int world = v.integer("WORLD_SIZE", devices * context.numNodes());
        int rank = v.integer("RANK", nodeRank * devices + localRank);
        int port = v.has("MASTER_PORT") ? v.port("MASTER_PORT", 0) : 0;
        Ranks ranks = new Ranks(name(), v.has("LOCAL_RANK"), v.string("MASTER_ADDR", "127.0.0.1"), port, world, rank,
                localRank, nodeRank);
        return port != 0 ? ranks : new FreePort(ranks);
    }

    /** Ranks whose port is found on first use, so that single-process runs never open a socket. */
    private static final class FreePort implements ClusterEnvironment {
        private final Ranks ranks;
        private int port;

        FreePort(Ranks ranks) {
            this.ranks = ranks;
        }

        @Override
        public String name() {
            return ranks.name();
        }

        @Override
        public boolean createsProcessesExternally() {
            return ranks.createsProcessesExternally();
        }

        @Override
        public String mainAddress() {
            return ranks.mainAddress();
        }

        @Override
        public synchronized int mainPort() {
            if (port == 0) {
                port = freePort();
            }
            return port;
        }

        @Override
        public int worldSize() {
            return ranks.worldSize();
        }

        @Override
        public int globalRank() {
            return ranks.globalRank();
        }

        @Override
        public int localRank() {
            return ranks.localRank();
        }

        @Override
        public int nodeRank() {
            return ranks.nodeRank();
        }

        @Override
        public String toString() {
            return ranks.toString();
        }
    }

    /** A port free now on this machine (Lightning's {@code find_free_network_port}). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the rendezvous: set MASTER_PORT", e);
        }
    }
}
