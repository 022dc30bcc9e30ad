package io.fulmen.ddp.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a user sees when the native library is missing, and the checks made before any native call. */
class GlooLibraryTest {

    @Test
    void aBuildWithoutTheShimNamesTheInstallCommand() {
        IllegalStateException missing = GlooNative.loadShim(null);
        String message = missing.getMessage();
        assertTrue(message.contains("native Gloo shim"), message);
        assertTrue(message.contains("apt-get install libgloo-dev g++"), message);
        assertTrue(message.contains("scripts/install-system-deps"), message);
    }

    @Test
    void badRanksWorldSizesAndTimeoutsAreRefusedBeforeLoading() {
        Rendezvous here = Rendezvous.sharedDirectory(Path.of("unused"));
        Duration second = Duration.ofSeconds(1);
        assertEquals("rank 2 is outside 0..1", assertThrows(IllegalArgumentException.class,
                () -> Collectives.connect(here, 2, 2, second)).getMessage());
        assertEquals("world size 0 must be at least 1", assertThrows(IllegalArgumentException.class,
                () -> Collectives.connect(here, 0, 0, second)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Collectives.connect(here, 0, 1, Duration.ZERO)).getMessage().contains("must be positive"));
    }

    @Test
    void tcpRendezvousChecksHostAndPort() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rendezvous.tcp(" ", 29500)).getMessage()
                .contains("blank"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rendezvous.tcp("node0", 70000)).getMessage()
                .contains("outside 1..65535"));
        assertEquals(new Rendezvous.TcpStore("node0", 29500), Rendezvous.tcp("node0", 29500));
    }
}
