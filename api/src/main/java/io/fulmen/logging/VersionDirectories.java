package io.fulmen.logging;

import org.apiguardian.api.API;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lightning's {@code version_N} run folders for loggers: the next number is one more than the highest existing
 * {@code version_*}, and claiming is atomic (the folder is created with {@code createDirectory}, retrying the next
 * number when another logger got there first), so two runs in one root never share a folder.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class VersionDirectories {
    private static final Pattern VERSION_DIR = Pattern.compile("version_(\\d{1,9})");

    private VersionDirectories() {}

    /** Creates and returns {@code <parent>/version_N} for the next free N. */
    public static Path claimNext(Path parent) {
        try {
            Files.createDirectories(parent);
            for (int n = nextVersion(parent); ; n++) {
                Path dir = parent.resolve("version_" + n);
                try {
                    return Files.createDirectory(dir);
                } catch (FileAlreadyExistsException taken) {
                    // another logger claimed it between the listing and now: try the next number
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log directory under " + parent + ": " + e.getMessage(), e);
        }
    }

    /** Creates (if needed) and returns {@code <parent>/<version>} for an explicitly chosen version. */
    public static Path use(Path parent, String version) {
        try {
            return Files.createDirectories(parent.resolve(version));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log directory " + parent.resolve(version) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The {@code version_N} directories under {@code parent}, the highest number first; none when {@code parent} does
     * not exist.
     */
    public static List<Path> existing(Path parent) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try {
            List<Path> versions = listVersions(parent);
            versions.sort(Comparator.comparingInt(VersionDirectories::number).reversed());
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the versions in " + parent + ": " + e.getMessage(), e);
        }
    }

    private static int nextVersion(Path parent) throws IOException {
        int max = -1;
        for (Path p : listVersions(parent)) {
            max = Math.max(max, number(p));
        }
        return max + 1;
    }

    private static List<Path> listVersions(Path parent) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path p : entries) {
                if (VERSION_DIR.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static int number(Path versionDir) {
        Matcher m = VERSION_DIR.matcher(versionDir.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(versionDir + " is not a version_N directory");
        }
        return Integer.parseInt(m.group(1));
    }
}
