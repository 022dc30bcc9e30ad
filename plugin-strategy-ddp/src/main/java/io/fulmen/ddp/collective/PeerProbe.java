package io.fulmen.ddp.collective;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells which peer broke a collective. Gloo's errors name socket addresses, not ranks; so every rank answers on a small
 * port of its own (one byte, its rank, per connection), and after a failure the survivor asks each peer: a refused
 * connection means the peer's process is gone, silence means it hangs or its machine is unreachable.
 */
final class PeerProbe implements AutoCloseable {

    private static final int PROBE_TIMEOUT_MS = 2000;

    private final ServerSocket server;
    private final int rank;

    PeerProbe(InetAddress bindTo, int rank) {
        this.rank = rank;
        try {
            server = new ServerSocket(0, 50, bindTo);
        } catch (IOException e) {
            throw new CollectiveException("rank " + rank + " cannot open its liveness port on " + bindTo + ": "
                    + e.getMessage(), e);
        }
        Thread answer = new Thread(this::answer, "fulmen-ddp-liveness-" + rank);
        answer.setDaemon(true);
        answer.start();
    }

    /** @return where peers reach this rank's liveness port, as {@code host:port} */
    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    private void answer() {
        while (!server.isClosed()) {
            try (Socket peer = server.accept()) {
                peer.getOutputStream().write(rank);
            } catch (IOException e) {
                // closed, or the asker left
            }
        }
    }

    /**
     * Asks every peer whether it is alive.
     *
     * @param addresses each rank's liveness address ({@code host:port}), indexed by rank
     * @return one line per peer that is gone or silent; empty when every peer answered
     */
    static List<String> unhealthyPeers(List<String> addresses, int self) {
        List<String> problems = new ArrayList<>();
        for (int peer = 0; peer < addresses.size(); peer++) {
            if (peer == self) {
                continue;
            }
            String problem = ask(addresses.get(peer));
            if (problem != null) {
                problems.add("rank " + peer + " " + problem);
            }
        }
        return problems;
    }

    private static String ask(String address) {
        int colon = address.lastIndexOf(':');
        InetSocketAddress target = new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1)));
        try (Socket socket = new Socket()) {
            socket.connect(target, PROBE_TIMEOUT_MS);
            socket.setSoTimeout(PROBE_TIMEOUT_MS);
            InputStream in = socket.getInputStream();
            return in.read() < 0 ? "is gone (its liveness port at " + address + " closed without answering)" : null;
        } catch (SocketTimeoutException e) {
            return "does not respond (hung, stopped, or its machine is unreachable: no answer from " + address
                    + " within " + PROBE_TIMEOUT_MS + " ms)";
        } catch (IOException e) {
            return "is gone (its process no longer listens at " + address + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
