package io.fulmen.runtime.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Plugins are trusted code, so everything code is loaded from must be writable by its owner only: a file or
 * folder that group or others can write lets them run code in this process. On file systems without POSIX
 * permissions (Windows) nothing is checked.
 */
final class FilePermissions {
    static final String ALLOW_FIX = "run chmod -R go-w on it, or accept it explicitly with "
            + "allowWritablePluginsDir(true) (--allow-writable-plugins-dir)";
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-xr-x");

    private FilePermissions() {}

    /** {@code path} itself as "path (rwxrwxr-x)" when group or others may write it. */
    static Optional<String> shared(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return Optional.empty();
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        return perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)
                ? Optional.of(path.toAbsolutePath() + " (" + PosixFilePermissions.toString(perms) + ")")
                : Optional.empty();
    }

    /** The first file or folder under {@code root} (itself included) that group or others may write. */
    static Optional<String> sharedInTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.map(p -> {
                try {
                    return shared(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).flatMap(Optional::stream).findFirst();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Sets owner-writable permissions, where the file system has them. */
    static void restrict(Path path, boolean folder) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(path, folder ? FOLDER : FILE);
        }
    }
}
