package io.fulmen.runtime.callbacks;

import io.fulmen.TrainerView;
import io.fulmen.runtime.checkpoint.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link ModelCheckpoint}'s directory and what it does to files there: resolving {@code dirpath}, linking or copying
 * {@code last.ckpt}, removing replaced checkpoints (only inside {@code dirpath}) and finding the "last" ones.
 * Only rank 0 touches the file system.
 */
final class CheckpointFiles {
    // one logger name for everything ModelCheckpoint reports
    private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);

    private static final String FOLDER_IN_LOG_DIR = "checkpoints";

    private final boolean followsLogDir;
    private String dirpath;

    /** {@code configured} is the builder's {@code dirpath}: null resolves at setup. */
    CheckpointFiles(Path configured) {
        this.followsLogDir = configured == null;
        this.dirpath = configured == null ? null : realPath(configured).toString();
    }

    /** The directory as a string (as Lightning keeps it in the state); null until resolved. */
    String dirpath() {
        return dirpath;
    }

    /**
     * Resolves the directory at setup; warns when the fit would save into a non-empty one, unless it resumes from a
     * checkpoint in it (continuing a run there is the point, not an accident).
     */
    void setUp(TrainerView trainer, boolean warnIfNotEmpty) {
        dirpath = resolveCkptDir(trainer).toString();
        Path resumed = trainer.ckptPath();
        boolean continuing = resumed != null
                && resumed.toAbsolutePath().normalize().startsWith(Path.of(dirpath).toAbsolutePath().normalize());
        if (warnIfNotEmpty && !continuing) {
            warnIfDirNotEmpty(Path.of(dirpath));
        }
    }

    /** {@code __resolve_ckpt_dir}. */
    Path resolveCkptDir(TrainerView trainer) {
        if (dirpath != null) {
            return Path.of(dirpath);
        }
        if (!trainer.loggers().isEmpty() && trainer.logDir() != null) {
            return trainer.logDir().resolve(FOLDER_IN_LOG_DIR);
        }
        return trainer.defaultRootDir().resolve(FOLDER_IN_LOG_DIR);
    }

    private static void warnIfDirNotEmpty(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                LOG.warn("Checkpoint directory {} exists and is not empty.", dir);
            }
        } catch (IOException e) {
            // an unreadable directory fails at the first save instead
        }
    }

    static boolean exists(String filepath) {
        return Files.exists(Path.of(filepath));
    }

    /** Creates the folder of {@code file} (also the sub-folders a "/" in a name makes), as Lightning's IO does. */
    static void createParentDirectories(TrainerView trainer, Path file) {
        if (trainer.globalRank() == 0 && file.toAbsolutePath().getParent() != null) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the checkpoint directory of " + file, e);
            }
        }
    }

    /**
     * {@code _should_remove_checkpoint}: not the file just written, and only inside {@code dirpath}. (Lightning
     * also keeps the file the fit resumed from; the view does not show it.)
     */
    boolean shouldRemove(String previous, String current) {
        if (previous.equals(current)) {
            return false;
        }
        if (dirpath == null) {
            return false;
        }
        Path prev = Path.of(previous).toAbsolutePath().normalize();
        Path dir = Path.of(dirpath).toAbsolutePath().normalize();
        return prev.startsWith(dir) && !prev.equals(dir);
    }

    /** Removes {@code previous} when {@link #shouldRemove} allows it. */
    void removeReplaced(TrainerView trainer, String previous, String current) {
        if (previous != null && !previous.isEmpty() && shouldRemove(previous, current)) {
            remove(trainer, previous);
        }
    }

    /**
     * Through the strategy's checkpoint I/O, which removes it on the writing rank after the saves issued before:
     * with asynchronous writes, a replaced checkpoint goes only once its successor is on disk.
     */
    private static void remove(TrainerView trainer, String filepath) {
        trainer.removeCheckpoint(Path.of(filepath));
    }


    /** {@code _link_checkpoint}: a relative symbolic link, or a copy where links cannot be made. */
    static void link(TrainerView trainer, String filepath, String linkpath) {
        if (trainer.globalRank() != 0) {
            return;
        }
        Path link = Path.of(linkpath).toAbsolutePath();
        Path target = Path.of(filepath).toAbsolutePath();
        try {
            FileTrees.deleteRecursively(link);
            try {
                Files.createSymbolicLink(link, link.getParent().relativize(target));
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(target, link, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + linkpath + " to " + filepath, e);
        }
    }

    /** {@code lastModelPath} when it still exists, else the newest {@code last*.ckpt} in the directory. */
    Path lastCheckpoint(TrainerView trainer, String lastModelPath) {
        if (!lastModelPath.isEmpty() && Files.isRegularFile(Path.of(lastModelPath))) {
            return Path.of(lastModelPath);
        }
        return newest(findLastCheckpoints(trainer));
    }

    /**
     * The newest {@code last*.ckpt} in the folder this callback would use if the Trainer's log directory were
     * {@code logDir}; null when there is none, or when the folder was configured ({@code dirpath}).
     */
    Path lastCheckpointUnder(Path logDir) {
        return followsLogDir ? newest(findLastCheckpoints(logDir.resolve(FOLDER_IN_LOG_DIR))) : null;
    }

    private static Path newest(Set<Path> files) {
        Path newest = null;
        FileTime newestTime = null;
        for (Path p : files) {
            try {
                FileTime t = Files.getLastModifiedTime(p);
                if (newestTime == null || t.compareTo(newestTime) > 0) {
                    newest = p;
                    newestTime = t;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the modification time of " + p, e);
            }
        }
        return newest;
    }

    /** Lightning's {@code _find_last_checkpoints}: the {@code last*.ckpt} files in the directory. */
    Set<Path> findLastCheckpoints(TrainerView trainer) {
        return findLastCheckpoints(resolveCkptDir(trainer));
    }

    private static Set<Path> findLastCheckpoints(Path dir) {
        Pattern last = Pattern.compile("^" + Pattern.quote(ModelCheckpoint.CHECKPOINT_NAME_LAST) + "(-(\\d+))?");
        String extension = ModelCheckpoint.FILE_EXTENSION;
        Set<Path> found = new LinkedHashSet<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.sorted().forEach(p -> {
                String name = p.getFileName().toString();
                if (name.endsWith(extension) && name.length() > extension.length()) {
                    String stem = name.substring(0, name.length() - extension.length());
                    if (last.matcher(stem).lookingAt()) {
                        found.add(p.normalize());
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return found;
    }

    /** {@code os.path.realpath(os.path.expanduser(p))}: absolute, {@code ~} expanded, links resolved. */
    private static Path realPath(Path p) {
        String s = p.toString();
        if (s.equals("~") || s.startsWith("~/") || s.startsWith("~" + File.separator)) {
            p = Path.of(System.getProperty("user.home") + s.substring(1));
        }
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        List<Path> rest = new ArrayList<>();
        while (existing != null && !Files.exists(existing)) {
            rest.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            Path real = existing.toRealPath();
            for (Path part : rest) {
                real = real.resolve(part);
            }
            return real;
        } catch (IOException e) {
            return abs;
        }
    }
}
