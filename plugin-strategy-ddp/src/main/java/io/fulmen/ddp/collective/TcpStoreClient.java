package io.fulmen.ddp.collective;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A rank's connection to {@link TcpStoreServer}, and the store Gloo's rendezvous calls back into. */
final class TcpStoreClient implements KeyValueStore, AutoCloseable {

    private static final long RETRY_MS = 100;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final String address;

    /** Connects to {@code host:port}, retrying until {@code timeout} passes (rank 0 may start last). */
    TcpStoreClient(String host, int port, Duration timeout, int rank) {
        address = host + ":" + port;
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        Socket connected = null;
        while (connected == null && System.nanoTime() < deadline) {
            Socket attempt = new Socket();
            try {
                attempt.setTcpNoDelay(true);
                attempt.connect(new InetSocketAddress(host, port), (int) Math.max(1, Math.min(5000, timeout.toMillis())));
                connected = attempt;
            } catch (IOException e) {
                last = e;
                closeQuietly(attempt);
                sleep(RETRY_MS);
            }
        }
        if (connected == null) {
            throw new CollectiveException("rank " + rank + " cannot reach the rendezvous store of rank 0 at " + address
                    + " within " + timeout.toSeconds() + " s (" + (last == null ? "timed out" : last.getMessage())
                    + "): is rank 0 running, and MASTER_ADDR/MASTER_PORT right?", last);
        }
        socket = connected;
        try {
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
        } catch (IOException e) {
            closeQuietly(socket);
            throw new CollectiveException("rendezvous store at " + address + ": " + e.getMessage(), e);
        }
    }

    /** @return this machine's address on the route to rank 0: where the other ranks can reach this one */
    InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    @Override
    public synchronized void set(String key, byte[] value) {
        try {
            out.writeByte(TcpStoreServer.SET);
            out.writeUTF(key);
            out.writeInt(value.length);
            out.write(value);
            out.flush();
            expectOk(in.readByte(), key, 0);
        } catch (IOException e) {
            throw lost(e);
        }
    }

    @Override
    public synchronized byte[] get(String key, long timeoutMs) {
        try {
            out.writeByte(TcpStoreServer.GET);
            out.writeUTF(key);
            out.writeLong(timeoutMs);
            out.flush();
            expectOk(in.readByte(), key, timeoutMs);
            return in.readNBytes(in.readInt());
        } catch (IOException e) {
            throw lost(e);
        }
    }

    @Override
    public void await(String[] keys, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        for (String key : keys) {
            get(key, Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
        }
    }

    private void expectOk(byte answer, String key, long timeoutMs) {
        if (answer == TcpStoreServer.TIMED_OUT) {
            throw new CollectiveException("rendezvous at " + address + ": key '" + key + "' was not set within "
                    + timeoutMs + " ms: not every rank joined (wrong WORLD_SIZE, or a rank did not start?)");
        }
        if (answer != TcpStoreServer.OK) {
            throw new CollectiveException("rendezvous at " + address + ": unexpected answer " + answer);
        }
    }

    private CollectiveException lost(IOException e) {
        return new CollectiveException("lost the rendezvous store at " + address + " (" + e.getMessage()
                + "): did rank 0 die?", e);
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while connecting to the rendezvous store", e);
        }
    }
}
