package io.fulmen.runtime.checkpoint;

import org.apiguardian.api.API;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Removing a checkpoint that may be a file, a link or a folder (a sharded checkpoint), without following links. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code path} and, for a folder, everything in it; a link is removed, never its target. */
    public static void deleteRecursively(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(path)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    deleteRecursively(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }
}
