package io.fulmen.wandb;

import io.fulmen.wandb.proto.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real process killed with SIGKILL while logging: its log reads cleanly, every CRC and record valid, up to at
 * least the last {@code save()} it reported, and only a torn last record may follow; the run then continues from
 * the step after the last one written.
 */
class KilledRunTest {
    @TempDir
    Path root;

    @Test
    void aKilledRunReadsCleanlyUpToItsLastSaveAndContinuesAfterIt() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-cp", classpath, KilledRunChild.class.getName(), root.toString(),
                "killed1").redirectErrorStream(true).start();
        Path dir = null;
        long saved = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
                if (line.startsWith("DIR ")) {
                    dir = Path.of(line.substring(4));
                } else if (line.startsWith("SAVED ")) {
                    saved = Long.parseLong(line.substring(6));
                    if (saved >= 3000) {
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
        }
        assertTrue(dir != null && saved >= 3000, "the child never saved enough: " + saved);
        Path log = dir.resolve("run-killed1.wandb");
        StrictLogReader.Result result = StrictLogReader.read(Files.readAllBytes(log), true);
        List<Record> records = result.records();
        assertTrue(Files.size(log) > 20 * 32768L, "the log spans many blocks: " + Files.size(log));
        assertEquals(LogReader.completeRecords(log).size(), records.size(), "both readers agree");
        long expected = 0;
        for (Record r : records) {
            assertTrue(r.getRecordTypeCase() != Record.RecordTypeCase.EXIT, "a killed run has no exit record");
            if (r.getRecordTypeCase() == Record.RecordTypeCase.HISTORY) {
                assertEquals(expected++, r.getHistory().getStep().getNum(), "rows are whole and in order");
            }
        }
        assertTrue(expected - 1 >= saved, "read up to step " + (expected - 1) + ", saved up to " + saved);

        WandbLogger continued = WandbLogger.builder(root).saveDir(Path.of(".")).id("killed1").build();
        WandbRun run = continued.experiment();
        assertEquals(expected, run.startingStep(), "the continued run starts after the last step written");
        continued.logMetrics(Map.of("loss", 0.5), expected);
        continued.finish(io.fulmen.spi.RunStatus.SUCCESS);
        RunContents after = RunContents.read(run.file());
        assertEquals(List.of(expected), List.copyOf(after.history().keySet()));
        assertEquals(expected, after.run().getRun().getStartingStep());
        assertEquals(0, after.exit().getExit().getExitCode());
    }
}
