package io.fulmen.wandb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folders of offline runs under a save directory: {@code <save_dir>/wandb/} (or {@code .wandb/} when that
 * exists, as W&amp;B chooses), holding {@code offline-run-<yyyyMMdd_HHmmss>-<id>/} with {@code run-<id>.wandb} and
 * {@code files/} (which {@code wandb sync} needs even when empty), {@code logs/} and {@code tmp/}. The time is the
 * local time of the run's start; {@code wandb sync} skips folders whose name does not start with
 * {@code offline-}.
 */
final class RunFolders {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final Pattern RUN = Pattern.compile("offline-run-(\\d{8}_\\d{6})-(.+)");

    /** A run folder that exists: its path and run id. */
    record Run(Path dir, String id) {
        Path log() {
            return dir.resolve("run-" + id + ".wandb");
        }

        Path files() {
            return dir.resolve("files");
        }
    }

    private RunFolders() {}

    /** The folder of the runs in {@code saveDir}. */
    static Path wandbDir(Path saveDir) {
        Path hidden = saveDir.resolve(".wandb");
        return Files.isDirectory(hidden) ? hidden : saveDir.resolve("wandb");
    }

    /** The newest run (by the time in its name) in {@code wandbDir}, of {@code id} or of any id when null. */
    static Optional<Run> newest(Path wandbDir, String id) {
        if (!Files.isDirectory(wandbDir)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(wandbDir)) {
            return dirs.map(RunFolders::parse).flatMap(Optional::stream)
                    .filter(r -> id == null || r.id().equals(id)).filter(r -> Files.isRegularFile(r.log()))
                    .max(Comparator.comparing(r -> r.dir().getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + wandbDir, e);
        }
    }

    private static Optional<Run> parse(Path dir) {
        Matcher m = RUN.matcher(dir.getFileName().toString());
        return m.matches() && Files.isDirectory(dir) ? Optional.of(new Run(dir, m.group(2))) : Optional.empty();
    }

    /**
     * Creates the folder of a new run of {@code id} started at {@code startMillis}. A continued run gets a folder of
     * its own; when the name is taken (two starts in one second) the next free second is used, so that names keep
     * sorting by start.
     */
    static Run create(Path wandbDir, String id, long startMillis) {
        LocalDateTime time = LocalDateTime.ofInstant(Instant.ofEpochMilli(startMillis), ZoneId.systemDefault());
        try {
            Files.createDirectories(wandbDir);
            for (int attempt = 0; ; attempt++) {
                Path dir = wandbDir.resolve("offline-run-" + TIME.format(time.plusSeconds(attempt)) + "-" + id);
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException taken) {
                    continue;
                }
                for (String sub : new String[] {"files", "logs", "tmp"}) {
                    Files.createDirectory(dir.resolve(sub));
                }
                linkLatest(wandbDir, dir);
                return new Run(dir, id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run folder in " + wandbDir, e);
        }
    }

    /** Points {@code latest-run} at the new folder, where symbolic links work; optional for W&amp;B. */
    private static void linkLatest(Path wandbDir, Path run) {
        Path link = wandbDir.resolve("latest-run");
        try {
            Path tmp = wandbDir.resolve(".latest-run." + run.getFileName());
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, run.getFileName());
            Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            System.getLogger(RunFolders.class.getName()).log(System.Logger.Level.DEBUG,
                    "no latest-run link in " + wandbDir, e);
        }
    }
}
