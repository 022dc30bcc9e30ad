package io.fulmen.tensorboard;

import io.fulmen.tensorboard.proto.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real writer process killed with SIGKILL while writing: the file reads cleanly, every CRC valid, up to at
 * least the last flush the child reported, and only a torn last record may follow.
 */
class KilledWriterTest {
    @TempDir
    Path dir;

    @Test
    void aKilledWriterLeavesAFileThatReadsCleanlyUpToItsLastFlush() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-cp", classpath, KilledWriterChild.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        Path file = null;
        long flushed = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
                if (line.startsWith("FILE ")) {
                    file = Path.of(line.substring(5));
                } else if (line.startsWith("FLUSHED ")) {
                    flushed = Long.parseLong(line.substring(8));
                    if (flushed >= 2000) {
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
        }
        assertTrue(file != null && flushed >= 2000, "the child never reported enough flushes: " + flushed);
        TfEventsReader.Result result = TfEventsReader.read(file);
        List<Event> events = result.events();
        assertEquals("brain.Event:2", events.get(0).getFileVersion());
        assertTrue(events.size() - 1 >= flushed, (events.size() - 1) + " events read, " + flushed + " were flushed");
        for (int i = 1; i < events.size(); i++) {
            assertEquals(i - 1, events.get(i).getStep(), "events are whole and in order");
        }
    }
}
