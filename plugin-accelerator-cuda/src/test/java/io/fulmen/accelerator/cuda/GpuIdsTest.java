package io.fulmen.accelerator.cuda;

import io.fulmen.spi.DeviceSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lightning's GPU {@code devices} spellings against a machine showing four GPUs. */
class GpuIdsTest {
    private static List<Integer> select(String spec) {
        return GpuIds.select(DeviceSpec.parse(spec), 4, "");
    }

    @Test
    void autoAndMinusOneMeanEveryVisibleGpu() {
        assertEquals(List.of(0, 1, 2, 3), select("auto"));
        assertEquals(List.of(0, 1, 2, 3), select("-1"));
    }

    @Test
    void aCountMeansTheFirstGpus() {
        assertEquals(List.of(0, 1), select("2"));
        assertEquals(List.of(0), GpuIds.select(DeviceSpec.count(1), 4, ""));
    }

    @Test
    void indicesNameGpus() {
        assertEquals(List.of(0, 2), select("0,2"));
        assertEquals(List.of(1), select("[1]"));
        assertEquals(List.of(3, 1), select("[3, 1]"));
    }

    @Test
    void aGpuThatDoesNotExistFailsListingThoseThatDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> select("0,5"));
        assertTrue(e.getMessage().contains("GPU(s) [5]") && e.getMessage().contains("sees GPU(s) [0, 1, 2, 3]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> select("6"));
        assertTrue(e.getMessage().contains("asks for 6 GPU(s)") && e.getMessage().contains("[0, 1, 2, 3]"),
                e.getMessage());
    }

    @Test
    void theVisibleDevicesNoteExplainsTheNumbering() {
        assertEquals(List.of(0, 1), GpuIds.select(DeviceSpec.parse("2"), 2, "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuIds.select(DeviceSpec.parse("4,7"), 2,
                "CUDA_VISIBLE_DEVICES='4,7' numbers them from 0"));
        assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES='4,7' numbers them from 0"), e.getMessage());
    }

    @Test
    void duplicatesAndNoGpuAtAllFail() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> select("1,1")).getMessage()
                .contains("must be unique"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuIds.select(DeviceSpec.auto(), 0, ""));
        assertTrue(e.getMessage().contains("sees none") && e.getMessage().contains("accelerator(\"cpu\")"),
                e.getMessage());
    }
}
