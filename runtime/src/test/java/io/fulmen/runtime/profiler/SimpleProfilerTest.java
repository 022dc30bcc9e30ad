package io.fulmen.runtime.profiler;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimpleProfilerTest {
    @Test
    void sectionsPartitionTheWallTime() throws InterruptedException {
        SimpleProfiler profiler = new SimpleProfiler();
        profiler.start();
        for (int i = 0; i < 3; i++) {
            profiler.enter(Section.ON_TRAIN_BATCH_START);
            profiler.enter(Section.TRAINING_STEP);
            Thread.sleep(2);
            profiler.enter(Section.ON_TRAIN_BATCH_END);
            profiler.enter(Section.TRAIN_DATALOADER_NEXT);
        }
        ProfileSummary summary = profiler.stop("fit");

        assertEquals(summary.wallNanos(), summary.totalNanos());
        assertEquals(3, summary.row("training_step").count());
        assertEquals(3, summary.row("on_train_batch_end").count());
        assertTrue(summary.row("training_step").totalNanos() >= 6_000_000L, summary.table());
        assertNull(summary.row("backward"));
        String table = summary.table();
        assertTrue(table.startsWith("FIT Profiler Report"), table);
        assertTrue(table.contains("[hook] on_train_batch_start"), table);
    }

    @Test
    void enterBeforeStartIsIgnored() {
        SimpleProfiler profiler = new SimpleProfiler();
        profiler.enter(Section.BACKWARD);
        profiler.start();
        assertNull(profiler.stop("fit").row("backward"));
    }

    @Test
    void namesFollowLightning() {
        assertEquals("simple", Profilers.checkName("Simple"));
        assertNull(Profilers.checkName(null));
        assertNull(Profilers.checkName("none"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profilers.checkName("pytorch"));
        assertTrue(e.getMessage().contains("simple"), e.getMessage());
    }
}
