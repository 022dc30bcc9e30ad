package io.fulmen.ddp.collective;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rank whose peers never come fails within the timeout, saying so, over either rendezvous. */
class GroupFormationTest {

    private static final Duration SHORT = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    @BeforeAll
    static void requireShim() {
        boolean built = GlooNative.class.getResource(GlooNative.RESOURCE) != null;
        assumeTrue(built || "true".equalsIgnoreCase(System.getenv("CI")), "the native Gloo shim is not built");
    }

    @Test
    void aLoneRankTimesOutInASharedDirectory() {
        CollectiveException e = assertThrows(CollectiveException.class,
                () -> Collectives.connect(Rendezvous.sharedDirectory(dir), 1, 2, SHORT));
        assertTrue(e.getMessage().startsWith("rank 1 could not form the group of 2 ranks within 1500 ms"),
                e.getMessage());
    }

    @Test
    void aLoneRankZeroTimesOutOverTcp() throws IOException {
        CollectiveException e = assertThrows(CollectiveException.class,
                () -> Collectives.connect(Rendezvous.tcp("127.0.0.1", freePort()), 0, 2, SHORT));
        assertTrue(e.getMessage().startsWith("rank 0 could not form the group of 2 ranks within 1500 ms"),
                e.getMessage());
        assertTrue(e.getMessage().contains("not every rank joined"), e.getMessage());
    }

    @Test
    void aRankWithoutRankZeroSaysWhereItLooked() throws IOException {
        int port = freePort();
        CollectiveException e = assertThrows(CollectiveException.class,
                () -> Collectives.connect(Rendezvous.tcp("127.0.0.1", port), 1, 2, SHORT));
        assertTrue(e.getMessage().startsWith("rank 1 cannot reach the rendezvous store of rank 0 at 127.0.0.1:" + port),
                e.getMessage());
    }

    @Test
    void aWorldOfOneNeedsNoPeer() {
        try (Collective alone = Collectives.connect(Rendezvous.sharedDirectory(dir), 0, 1, SHORT)) {
            alone.barrier();
            assertTrue(alone.rank() == 0 && alone.worldSize() == 1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
