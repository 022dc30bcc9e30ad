package io.fulmen.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunDirectoryTest {
    @TempDir
    Path root;

    @Test
    void claimsTheNextVersionLazilyAndOnce() throws Exception {
        Files.createDirectories(root.resolve("fulmen_logs/version_3"));
        RunDirectory run = RunDirectory.under(root);
        assertEquals(root.resolve("fulmen_logs"), run.versionsDir());
        assertEquals("fulmen_logs", run.name());
        assertFalse(run.isClaimed());
        assertFalse(Files.exists(root.resolve("fulmen_logs/version_4")), "nothing is created before path()");
        Path dir = run.path();
        assertEquals(root.resolve("fulmen_logs/version_4"), dir);
        assertTrue(Files.isDirectory(dir));
        assertTrue(run.isClaimed());
        assertEquals(dir, run.path());
        assertEquals("version_4", run.version());
        assertEquals(root.resolve("fulmen_logs/version_5"), RunDirectory.under(root).path(),
                "another run directory in the same root takes the next version");
    }

    @Test
    void resumeNewestAdoptsTheHighestQualifyingVersionBeforeAClaimOnly() throws Exception {
        for (String v : List.of("version_0", "version_1", "version_2", "version_10")) {
            Files.createDirectories(root.resolve("exp").resolve(v));
        }
        Files.createFile(root.resolve("exp/version_1/marker"));
        Files.createFile(root.resolve("exp/version_2/marker"));
        RunDirectory run = RunDirectory.under(root, "exp");
        Optional<Path> adopted = run.resumeNewest(dir -> Files.exists(dir.resolve("marker")));
        assertEquals(Optional.of(root.resolve("exp/version_2")), adopted);
        assertTrue(run.isClaimed());
        assertEquals(root.resolve("exp/version_2"), run.path());
        assertEquals(Optional.empty(), run.resumeNewest(dir -> true), "a decided folder stays");

        RunDirectory fresh = RunDirectory.under(root, "exp");
        assertEquals(Optional.empty(), fresh.resumeNewest(dir -> false));
        assertEquals(root.resolve("exp/version_11"), fresh.path(), "nothing qualifies: a new version");
        assertEquals(Optional.empty(), RunDirectory.under(root, "missing").resumeNewest(dir -> true));
    }

    @Test
    void versionsDirComparesAbsolutePaths() {
        RunDirectory run = RunDirectory.under(root);
        assertTrue(run.isVersionsDir(root.resolve("x/../fulmen_logs")));
        assertFalse(run.isVersionsDir(root.resolve("other")));
        assertEquals(root, RunDirectory.under(root, "").versionsDir());
    }

    @Test
    void existingVersionsComeHighestFirst() throws Exception {
        for (String v : List.of("version_2", "version_10", "version_1", "version_x")) {
            Files.createDirectories(root.resolve(v));
        }
        Files.createFile(root.resolve("version_7"));
        assertEquals(List.of(root.resolve("version_10"), root.resolve("version_2"), root.resolve("version_1")),
                VersionDirectories.existing(root));
        assertEquals(List.of(), VersionDirectories.existing(root.resolve("none")));
    }
}
