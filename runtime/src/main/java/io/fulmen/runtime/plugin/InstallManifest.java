package io.fulmen.runtime.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The SHA-256 of every file of an installed bundle, written last at install time so that a folder without it is
 * known to be half-unpacked, and checked before each load so that a file changed, added or removed since the
 * install is noticed before any class is loaded from it. One {@code <sha256>  <relative path>} line per file.
 */
final class InstallManifest {
    static final String FILE = ".fulmen-install";

    private InstallManifest() {}

    /** Records every file under {@code dir}. */
    static void write(Path dir) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, String> e : hashes(dir).entrySet()) {
            lines.append(e.getValue()).append("  ").append(e.getKey()).append('\n');
        }
        Path file = dir.resolve(FILE);
        Files.writeString(file, lines);
        FilePermissions.restrict(file, false);
    }

    /** Why {@code dir} is not exactly what was installed, or empty when it is. */
    static Optional<String> verify(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.of("it has no " + FILE + " (an install that was interrupted)");
        }
        Map<String, String> recorded = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int gap = line.indexOf("  ");
            if (gap > 0) {
                recorded.put(line.substring(gap + 2), line.substring(0, gap));
            }
        }
        Map<String, String> actual = hashes(dir);
        for (Map.Entry<String, String> e : actual.entrySet()) {
            String expected = recorded.get(e.getKey());
            if (expected == null) {
                return Optional.of(e.getKey() + " was added after the install");
            }
            if (!expected.equals(e.getValue())) {
                return Optional.of(e.getKey() + " changed after the install");
            }
        }
        for (String name : recorded.keySet()) {
            if (!actual.containsKey(name)) {
                return Optional.of(name + " was removed after the install");
            }
        }
        return FilePermissions.sharedInTree(dir).map(p -> p + " became writable by group or others");
    }

    /** Relative path (with '/') to SHA-256 of every file under {@code dir} but the manifest; links count as files. */
    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> all = Files.walk(dir)) {
            files = all.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
        }
        for (Path p : files) {
            String name = dir.relativize(p).toString().replace('\\', '/');
            if (!name.equals(FILE)) {
                out.put(name, Files.isSymbolicLink(p) ? "symbolic-link" : sha256(p));
            }
        }
        return out;
    }

    /** The SHA-256 of a file, in lower-case hex. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in, OutputStream.nullOutputStream());
        }
    }

    /** Copies {@code in} to {@code out} and returns the SHA-256 of what went through, in lower-case hex. */
    static String sha256(InputStream in, OutputStream out) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new DigestInputStream(in, digest).transferTo(out);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("SHA-256 is missing from this JVM", e));
        }
    }
}
