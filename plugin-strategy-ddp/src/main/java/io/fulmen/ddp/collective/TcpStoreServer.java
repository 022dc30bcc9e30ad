package io.fulmen.ddp.collective;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rendezvous key/value server rank 0 runs on {@code MASTER_PORT} while the group forms (Gloo 0.5 has no TCP
 * store of its own). One thread per connected rank; a GET blocks until the key is set or its timeout passes.
 *
 * <p>Protocol, one request after another on a connection: {@code SET} = byte 1, UTF key, int length, bytes; answered
 * by byte 0. {@code GET} = byte 2, UTF key, long timeout ms; answered by byte 0, int length, bytes, or byte 1 when
 * the timeout passed first.
 */
final class TcpStoreServer implements AutoCloseable {

    static final byte SET = 1;
    static final byte GET = 2;
    static final byte OK = 0;
    static final byte TIMED_OUT = 1;

    private final ServerSocket server;
    private final Map<String, byte[]> values = new HashMap<>();
    private final List<Socket> clients = new ArrayList<>();
    private final Thread acceptor;

    TcpStoreServer(int port) {
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new CollectiveException("rank 0 cannot serve the rendezvous on port " + port + " (" + e.getMessage()
                    + "): is another run using it? Choose a free MASTER_PORT", e);
        }
        acceptor = new Thread(this::accept, "fulmen-ddp-store-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                synchronized (clients) {
                    clients.add(client);
                }
                Thread worker = new Thread(() -> serve(client), acceptor.getName() + "-client");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client;
                DataInputStream in = new DataInputStream(client.getInputStream());
                DataOutputStream out = new DataOutputStream(client.getOutputStream())) {
            while (true) {
                byte op = in.readByte();
                String key = in.readUTF();
                if (op == SET) {
                    byte[] value = in.readNBytes(in.readInt());
                    synchronized (values) {
                        values.put(key, value);
                        values.notifyAll();
                    }
                    out.writeByte(OK);
                } else if (op == GET) {
                    byte[] value = await(key, in.readLong());
                    if (value == null) {
                        out.writeByte(TIMED_OUT);
                    } else {
                        out.writeByte(OK);
                        out.writeInt(value.length);
                        out.write(value);
                    }
                } else {
                    return; // not our protocol: drop the connection
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client left, or the server closed
        }
    }

    private byte[] await(String key, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (values) {
            while (!values.containsKey(key)) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                values.wait(left);
            }
            return values.get(key);
        }
    }

    /** Stops serving and drops every connection. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (clients) {
            for (Socket client : clients) {
                try {
                    client.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
