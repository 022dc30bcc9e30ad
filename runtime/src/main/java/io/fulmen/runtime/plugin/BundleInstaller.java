package io.fulmen.runtime.plugin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Installs zip bundles into a private folder the runtime owns, {@code <install root>/<id>-<version>-<first 12
 * hex of the zip's SHA-256>/}: the zip is copied (and hashed as it is copied, so what is checked is what is
 * unpacked), checked against its {@code .sha256} pin and its {@code plugin.properties}, unpacked into a temporary
 * folder, given a manifest of hashes, and renamed into place in one step. An install folder that fails its
 * manifest (half-unpacked, or a file changed since) is removed and installed again from the zip. Callers hold
 * the {@link InstallLock} of the install root.
 */
final class BundleInstaller {
    static final String INSTALL_FOLDER = ".fulmen-installed";
    private static final Logger LOG = LoggerFactory.getLogger(BundleInstaller.class);
    private static final String TEMPORARY = ".tmp-";

    private final Path root;
    private final BundlePolicy policy;

    BundleInstaller(Path root, BundlePolicy policy) {
        this.root = root;
        this.policy = policy;
    }

    /**
     * Where the zips of {@code folder} are installed: {@code <folder>/.fulmen-installed} when this process may
     * write the folder, else (a read-only system folder) a folder per plugins folder in the user's cache.
     */
    static Path installRoot(Path folder) throws IOException {
        if (Files.isWritable(folder)) {
            return folder.resolve(INSTALL_FOLDER);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        String key = InstallManifest.sha256(new java.io.ByteArrayInputStream(folder.toRealPath().toString()
                .getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream()).substring(0, 16);
        return cache.resolve("fulmen").resolve("installed").resolve(key);
    }

    /** Removes what an install interrupted by a crash left behind; nothing else runs in the root meanwhile. */
    void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, TEMPORARY + "*")) {
            for (Path p : entries) {
                deleteTree(p);
            }
        }
    }

    /** Checks {@code zip} and returns its verified install folder, installing it first when needed. */
    InstalledBundle install(Path zip) throws BundleProblem {
        if (!policy.allowWritableFolder()) {
            refuseShared(zip, zip);
            refuseShared(zip, pinOf(zip));
            refuseShared(zip, root);
        }
        Path copy = root.resolve(TEMPORARY + UUID.randomUUID() + ".zip");
        Path unpacked = root.resolve(TEMPORARY + UUID.randomUUID());
        try {
            String sha;
            try (InputStream in = Files.newInputStream(zip); OutputStream out = Files.newOutputStream(copy)) {
                sha = InstallManifest.sha256(in, out);
            }
            checkPin(zip, sha);
            try (ZipFile z = new ZipFile(copy.toFile())) {
                BundleDescriptor d = descriptor(z, zip);
                checkAllowed(zip, d);
                Path target = root.resolve(d.id() + "-" + d.version() + "-" + sha.substring(0, 12));
                if (Files.isDirectory(target)) {
                    var problem = InstallManifest.verify(target);
                    if (problem.isEmpty()) {
                        return new InstalledBundle(zip, d, target);
                    }
                    LOG.warn("bundle {}: its install folder {} is not what was installed ({}); installing it again "
                            + "from the zip", zip.toAbsolutePath(), target, problem.get());
                    Path aside = root.resolve(TEMPORARY + UUID.randomUUID());
                    Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
                    deleteTree(aside);
                }
                unpack(z, unpacked, zip);
                InstallManifest.write(unpacked);
                try {
                    Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    throw new IOException("another process installed " + target + " meanwhile", e);
                }
                return new InstalledBundle(zip, d, target);
            }
        } catch (ZipException | EOFException e) {
            throw new BundleProblem(zip, "it is not a complete zip file (truncated or corrupt: " + e.getMessage()
                    + ")", "copy it again, or rebuild it", e);
        } catch (IOException e) {
            throw new BundleProblem(zip, "it could not be installed into " + root + " (" + e + ")",
                    "check that this user can write there and that the disk has room", e);
        } finally {
            quietlyDelete(copy);
            quietlyDelete(unpacked);
        }
    }

    /** Checks a folder bundle, which loads where it is: its plugin.properties and the permissions of its files. */
    InstalledBundle inPlace(Path dir) throws BundleProblem {
        try {
            if (!policy.allowWritableFolder()) {
                var shared = FilePermissions.sharedInTree(dir);
                if (shared.isPresent()) {
                    throw new BundleProblem(dir, shared.get() + " is writable by group or others: anyone who can "
                            + "write there can run code in this process", FilePermissions.ALLOW_FIX);
                }
            }
            Path properties = dir.resolve(BundleDescriptor.FILE);
            if (!Files.isRegularFile(properties)) {
                throw new BundleProblem(dir, "it has no " + BundleDescriptor.FILE, "add one (plugin.id, "
                        + "plugin.version, plugin.requires), or remove the folder from the plugins folder");
            }
            BundleDescriptor d;
            try (InputStream in = Files.newInputStream(properties)) {
                d = BundleDescriptor.read(in, dir);
            }
            checkAllowed(dir, d);
            return new InstalledBundle(dir, d, dir);
        } catch (IOException e) {
            throw new BundleProblem(dir, "it could not be read (" + e + ")", "check that this user can read it", e);
        }
    }

    private static BundleDescriptor descriptor(ZipFile zip, Path bundle) throws BundleProblem, IOException {
        ZipEntry entry = zip.getEntry(BundleDescriptor.FILE);
        if (entry == null) {
            throw new BundleProblem(bundle, "it has no " + BundleDescriptor.FILE + " at its root",
                    "build it as docs/writing-plugins.md shows (plugin.properties at the root, jars in lib/)");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return BundleDescriptor.read(in, bundle);
        }
    }

    private void checkAllowed(Path bundle, BundleDescriptor d) throws BundleProblem {
        if (!policy.allows(d.id())) {
            throw new BundleProblem(bundle, d.label() + " is not in the allow-list of plugin ids "
                    + policy.allowedIds(), "add " + d.id() + " to allowedPlugins(...), or remove the bundle");
        }
    }

    private static Path pinOf(Path zip) {
        return zip.resolveSibling(zip.getFileName() + ".sha256");
    }

    private static void checkPin(Path zip, String actual) throws BundleProblem, IOException {
        Path pin = pinOf(zip);
        if (!Files.isRegularFile(pin)) {
            return;
        }
        String[] words = Files.readString(pin).trim().split("\\s+");
        String expected = words[0].toLowerCase(Locale.ROOT);
        if (!expected.equals(actual)) {
            throw new BundleProblem(zip, "checksum mismatch: " + pin.getFileName() + " says " + expected
                    + " but the bundle's SHA-256 is " + actual, "replace the bundle with the one the checksum was "
                    + "published for, or update " + pin.getFileName());
        }
    }

    private static void refuseShared(Path bundle, Path path) throws BundleProblem {
        try {
            if (Files.exists(path)) {
                var shared = FilePermissions.shared(path);
                if (shared.isPresent()) {
                    throw new BundleProblem(bundle, shared.get() + " is writable by group or others: anyone who "
                            + "can write there can run code in this process", FilePermissions.ALLOW_FIX);
                }
            }
        } catch (IOException e) {
            throw new BundleProblem(bundle, "cannot read the permissions of " + path + " (" + e + ")",
                    "check that this user can read it", e);
        }
    }

    private static void unpack(ZipFile zip, Path into, Path bundle) throws IOException, BundleProblem {
        Files.createDirectories(into);
        FilePermissions.restrict(into, true);
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            Path target = into.resolve(e.getName()).normalize();
            if (!target.startsWith(into) || target.equals(into) || e.getName().contains("\\")) {
                throw new BundleProblem(bundle, "its entry '" + e.getName() + "' points outside the bundle",
                        "rebuild the bundle with relative entry names");
            }
            if (e.isDirectory()) {
                createFolders(into, target);
                continue;
            }
            createFolders(into, target.getParent());
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, target);
            }
            FilePermissions.restrict(target, false);
        }
    }

    private static void createFolders(Path root, Path dir) throws IOException {
        if (dir.equals(root) || Files.isDirectory(dir)) {
            return;
        }
        createFolders(root, dir.getParent());
        Files.createDirectory(dir);
        FilePermissions.restrict(dir, true);
    }

    private static void quietlyDelete(Path p) {
        try {
            if (Files.exists(p)) {
                deleteTree(p);
            }
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", p, e.toString());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
