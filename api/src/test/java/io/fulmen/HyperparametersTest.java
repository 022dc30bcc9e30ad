package io.fulmen;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hyperparameters are kept as what JSON checkpoints and loggers hold, whatever the user saved. */
class HyperparametersTest {
    enum Mode { FAST, SLOW }

    record Config(Path dataDir, int batchSize, Mode mode, List<Integer> widths, int[] kernel) {}

    @Test
    void aRecordIsKeptComponentByComponentAsPlainValues() {
        Hyperparameters hp = new Hyperparameters();
        hp.putRecord(new Config(Path.of("/data/fashion"), 64, Mode.SLOW, List.of(32, 64), new int[] {3, 3}));
        assertEquals(List.of("dataDir", "batchSize", "mode", "widths", "kernel"), List.copyOf(hp.view().keySet()),
                "in declaration order");
        assertEquals("/data/fashion", hp.view().get("dataDir"));
        assertEquals(64, hp.view().get("batchSize"));
        assertEquals("SLOW", hp.view().get("mode"));
        assertEquals(List.of(32, 64), hp.view().get("widths"));
        assertEquals(List.of(3, 3), hp.view().get("kernel"));
    }

    @Test
    void pairsAndMapsAreCheckedAndMadePlainToo() {
        Hyperparameters hp = new Hyperparameters();
        hp.putPairs("lr", 1e-3, "sizes", Set.of(7), "mode", Mode.FAST);
        hp.putAll(Map.of("nested", Map.of("dir", Path.of("x"))));
        assertEquals(Map.of("lr", 1e-3, "sizes", List.of(7), "mode", "FAST", "nested", Map.of("dir", "x")),
                hp.view());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> hp.putPairs("lr"));
        assertEquals("saveHyperparameters takes name/value pairs, got an odd count 1", odd.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> hp.view().put("x", 1), "read-only view");
    }
}
