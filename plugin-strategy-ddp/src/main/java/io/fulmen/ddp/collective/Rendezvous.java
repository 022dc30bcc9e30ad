package io.fulmen.ddp.collective;

import java.nio.file.Path;
import java.util.Objects;
import org.apiguardian.api.API;

/** How the ranks of a group find each other before they connect to one another directly. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public sealed interface Rendezvous permits Rendezvous.SharedDirectory, Rendezvous.TcpStore {

    /**
     * Ranks exchange their addresses through files in a directory that all of them can read and write (a local
     * folder for one machine, a network file system across machines). Use a fresh, empty directory per run.
     *
     * @param directory the shared directory; created when missing
     * @return the rendezvous
     */
    static Rendezvous sharedDirectory(Path directory) {
        return new SharedDirectory(directory);
    }

    /**
     * Ranks exchange their addresses through a small key/value server that rank 0 starts on {@code port} of its
     * machine; the others connect to {@code host:port} (what {@code MASTER_ADDR} and {@code MASTER_PORT} give).
     *
     * @param host the host name or address of rank 0's machine, as the other ranks reach it
     * @param port the port rank 0 listens on
     * @return the rendezvous
     */
    static Rendezvous tcp(String host, int port) {
        return new TcpStore(host, port);
    }

    /**
     * A directory shared by all ranks.
     *
     * @param directory the directory
     */
    record SharedDirectory(Path directory) implements Rendezvous {
        /** @throws NullPointerException when {@code directory} is null */
        public SharedDirectory {
            Objects.requireNonNull(directory, "directory");
        }
    }

    /**
     * A key/value store served by rank 0 on {@code host:port}.
     *
     * @param host rank 0's host
     * @param port rank 0's port
     */
    record TcpStore(String host, int port) implements Rendezvous {
        /** @throws IllegalArgumentException when the host is blank or the port is outside 1..65535 */
        public TcpStore {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("rendezvous host is blank: give rank 0's host name or address");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("rendezvous port " + port + " is outside 1..65535");
            }
        }
    }
}
