package io.fulmen.ddp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rank killed mid-epoch: the others stop, naming it, and no rank process is left behind. */
class DdpRankFailureTest {
    @TempDir
    Path dir;

    private static List<String> longRun(Path out) {
        return RankRuns.javaCommand(DdpTrainMain.class.getName(), out.toString(), "sgd", "1", "ddp", "2", "32",
                "1000", "100", "20s");
    }

    private static void awaitOutput(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).contains(text)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' (alive: " + p.isAlive() + "):\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    @Test
    void killingRankOneMakesRankZeroFailNamingIt() throws Exception {
        Path log = dir.resolve("kill.log");
        Process launcher = RankRuns.start(longRun(dir.resolve("w.txt")), log, Map.of());
        try {
            awaitOutput(log, "[rank 1] STEP 3", launcher);
            List<ProcessHandle> ranks = launcher.children().toList();
            assertEquals(1, ranks.size(), "one launched rank");
            ProcessHandle rank1 = ranks.get(0);
            rank1.destroyForcibly();
            assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "rank 0 still running 60 s after rank 1 was killed");
            String output = Files.readString(log);
            assertNotEquals(0, launcher.exitValue(), output);
            assertTrue(output.contains("rank 1"), output);
            assertTrue(rank1.onExit().get(10, TimeUnit.SECONDS) != null);
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void killingTheLauncherEndsTheRanksItStarted() throws Exception {
        Path log = dir.resolve("parent.log");
        Process launcher = RankRuns.start(longRun(dir.resolve("w.txt")), log, Map.of());
        List<ProcessHandle> ranks = List.of();
        try {
            awaitOutput(log, "[rank 1] STEP 2", launcher);
            ranks = launcher.children().toList();
            assertEquals(1, ranks.size());
            launcher.destroyForcibly();
            ranks.get(0).onExit().get(30, TimeUnit.SECONDS);
            assertFalse(ranks.get(0).isAlive(), "rank 1 outlived its launcher");
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            ranks.forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }
}
