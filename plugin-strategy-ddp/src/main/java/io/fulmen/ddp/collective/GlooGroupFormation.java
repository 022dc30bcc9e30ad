package io.fulmen.ddp.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Forms a Gloo group for either rendezvous: every rank publishes where its liveness port is (see {@link PeerProbe}),
 * Gloo connects the full mesh through the store, then every rank reads where the others' liveness ports are.
 *
 * <p>The network interface Gloo listens on: {@code GLOO_SOCKET_IFNAME} when set (PyTorch's variable), else the
 * address this machine uses to reach rank 0's store, else (shared directory) this host's address.
 */
final class GlooGroupFormation {

    static final String IFACE_VARIABLE = "GLOO_SOCKET_IFNAME";
    private static final String LIVENESS_KEY = "fulmen-liveness-";

    private GlooGroupFormation() {
    }

    static Collective connect(Rendezvous rendezvous, int rank, int worldSize, Duration timeout) {
        GlooNative.load();
        String iface = System.getenv(IFACE_VARIABLE);
        if (rendezvous instanceof Rendezvous.SharedDirectory shared) {
            return throughDirectory(shared.directory(), rank, worldSize, timeout, iface);
        }
        Rendezvous.TcpStore tcp = (Rendezvous.TcpStore) rendezvous;
        return throughTcpStore(tcp, rank, worldSize, timeout, iface);
    }

    private static Collective throughDirectory(Path directory, int rank, int worldSize, Duration timeout,
            String iface) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new CollectiveException("cannot create the rendezvous directory " + directory + ": " + e, e);
        }
        InetAddress host = iface == null ? localHost() : interfaceAddress(iface);
        PeerProbe probe = new PeerProbe(host, rank);
        try {
            writeAtomically(directory.resolve(LIVENESS_KEY + rank), probe.address());
            long group = formGroup(directory.toString(), null, rank, worldSize, timeout, host, iface);
            List<String> peers = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                peers.add(Files.readString(directory.resolve(LIVENESS_KEY + r), StandardCharsets.UTF_8));
            }
            return new GlooCollective(group, rank, worldSize, timeout, probe, peers, 0);
        } catch (IOException e) {
            probe.close();
            throw new UncheckedIOException("rendezvous directory " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
    }

    private static Collective throughTcpStore(Rendezvous.TcpStore tcp, int rank, int worldSize, Duration timeout,
            String iface) {
        TcpStoreServer server = rank == 0 ? new TcpStoreServer(tcp.port()) : null;
        PeerProbe probe = null;
        try (TcpStoreClient store = new TcpStoreClient(tcp.host(), tcp.port(), timeout, rank)) {
            InetAddress host = iface == null ? store.localAddress() : interfaceAddress(iface);
            probe = new PeerProbe(host, rank);
            store.set(LIVENESS_KEY + rank, probe.address().getBytes(StandardCharsets.UTF_8));
            long group = formGroup(null, store, rank, worldSize, timeout, host, iface);
            List<String> peers = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                peers.add(new String(store.get(LIVENESS_KEY + r, timeout.toMillis()), StandardCharsets.UTF_8));
            }
            GlooCollective collective = new GlooCollective(group, rank, worldSize, timeout, probe, peers, 1);
            // Nobody needs the store once everybody has read from it: then rank 0 frees the port.
            try {
                GlooNative.barrier(group, 0);
            } catch (CollectiveException e) {
                collective.close();
                throw new CollectiveException("the group of " + worldSize + " ranks formed but rank " + rank
                        + " lost a peer right after: " + e.getMessage(), e);
            }
            return collective;
        } catch (RuntimeException e) {
            if (probe != null) {
                probe.close();
            }
            throw e;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static long formGroup(String directory, KeyValueStore store, int rank, int worldSize, Duration timeout,
            InetAddress host, String iface) {
        try {
            return GlooNative.connect(directory, store, rank, worldSize, timeout.toMillis(),
                    iface == null ? host.getHostAddress() : "", iface == null ? "" : iface);
        } catch (CollectiveException e) {
            throw new CollectiveException("rank " + rank + " could not form the group of " + worldSize + " ranks within "
                    + timeout.toMillis() + " ms (did every rank start, with the same world size and rendezvous?): "
                    + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static InetAddress localHost() {
        try {
            return InetAddress.getLocalHost();
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }

    private static InetAddress interfaceAddress(String iface) {
        try {
            NetworkInterface network = NetworkInterface.getByName(iface);
            if (network == null) {
                throw new IllegalArgumentException(IFACE_VARIABLE + "=" + iface + " names no network interface of "
                        + "this machine; it has " + Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                                .map(NetworkInterface::getName).toList());
            }
            return Collections.list(network.getInetAddresses()).stream()
                    .filter(a -> a instanceof Inet4Address).findFirst()
                    .orElseGet(() -> network.getInetAddresses().nextElement());
        } catch (SocketException e) {
            throw new CollectiveException("cannot read network interface " + iface + ": " + e.getMessage(), e);
        }
    }
}
