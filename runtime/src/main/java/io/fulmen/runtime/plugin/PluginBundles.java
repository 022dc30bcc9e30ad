package io.fulmen.runtime.plugin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The plugin bundles of a folder, checked, installed and loaded (docs/plugin-loading.md). A bundle is a zip (or a
 * folder, loaded where it is) holding {@code plugin.properties} and {@code lib/*.jar} (and/or {@code classes/});
 * its providers are declared in its jars' {@code META-INF/services}, the file {@link java.util.ServiceLoader}
 * reads, so one plugin jar works on the classpath and as a bundle. PF4J gives the format, the version-range
 * grammar and the class loader; installing, verifying, ordering and unloading are done here, so that what loads
 * is what was verified. Each bundle loads on its own: one that fails is one line (path, problem, fix) in
 * {@link #failures()}, and the others still load.
 */
final class PluginBundles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginBundles.class);

    private final List<LoadedBundle> loaded;
    private final List<String> failures;
    private final List<String> notices;

    private PluginBundles(List<LoadedBundle> loaded, List<String> failures, List<String> notices) {
        this.loaded = new CopyOnWriteArrayList<>(loaded);
        this.failures = List.copyOf(failures);
        this.notices = List.copyOf(notices);
    }

    static PluginBundles load(Path folder, BundlePolicy policy) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("plugins folder " + folder.toAbsolutePath() + " does not exist or is "
                    + "not a directory");
        }
        List<String> failures = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        BundleCandidates candidates = BundleCandidates.scan(folder);
        if (candidates.zips().isEmpty() && candidates.folders().isEmpty() && candidates.problems().isEmpty()) {
            return new PluginBundles(List.of(), List.of(), candidates.notices());
        }
        Optional<String> sharedFolder = policy.allowWritableFolder() ? Optional.empty() : shared(folder);
        if (sharedFolder.isPresent()) {
            failures.add("plugins folder " + sharedFolder.get() + " is writable by group or others: anyone who can "
                    + "write there can run code in this process, so none of its bundles was loaded; "
                    + FilePermissions.ALLOW_FIX);
            return new PluginBundles(List.of(), failures, candidates.notices());
        }
        failures.addAll(candidates.problems());
        notices.addAll(candidates.notices());
        List<InstalledBundle> installed = new ArrayList<>(install(folder, policy, candidates, failures));
        List<LoadedBundle> loaded = new ArrayList<>();
        for (InstalledBundle b : newestOfEachId(installed, notices)) {
            try {
                loaded.add(LoadedBundle.open(b, PluginBundles.class.getClassLoader()));
            } catch (IOException | RuntimeException e) {
                failures.add(new BundleProblem(b.source(), "its class loader could not be built (" + e + ")",
                        "rebuild the bundle").getMessage());
            }
        }
        return new PluginBundles(loaded, failures, notices);
    }

    private static Optional<String> shared(Path folder) {
        try {
            return FilePermissions.shared(folder);
        } catch (IOException e) {
            return Optional.of(folder.toAbsolutePath() + " (its permissions cannot be read: " + e + ")");
        }
    }

    /** Installs the zips under the install root's lock, checks the folders; the result is in file-name order. */
    private static List<InstalledBundle> install(Path folder, BundlePolicy policy, BundleCandidates candidates,
                                                 List<String> failures) {
        Map<Path, InstalledBundle> byFile = new java.util.TreeMap<>();
        Path root = null;
        if (!candidates.zips().isEmpty()) {
            try {
                root = BundleInstaller.installRoot(folder);
                try (InstallLock lock = InstallLock.acquire(root)) {
                    BundleInstaller installer = new BundleInstaller(lock.folder(), policy);
                    installer.removeLeftovers();
                    for (Path zip : candidates.zips()) {
                        installOne(() -> installer.install(zip), byFile, failures);
                    }
                }
            } catch (IOException e) {
                failures.add("plugins folder " + folder.toAbsolutePath() + ": its zip bundles cannot be installed "
                        + "into " + root + " (" + e + "); check that this user can write there");
            }
        }
        BundleInstaller inPlace = new BundleInstaller(folder, policy);
        for (Path dir : candidates.folders()) {
            installOne(() -> inPlace.inPlace(dir), byFile, failures);
        }
        return List.copyOf(byFile.values());
    }

    private interface InstallStep {
        InstalledBundle run() throws BundleProblem;
    }

    private static void installOne(InstallStep step, Map<Path, InstalledBundle> into, List<String> failures) {
        try {
            InstalledBundle b = step.run();
            into.put(b.source().getFileName(), b);
        } catch (BundleProblem p) {
            failures.add(p.getMessage());
        }
    }

    /** Of bundles sharing a plugin id the highest version stays (the first by file name among equals). */
    private static List<InstalledBundle> newestOfEachId(List<InstalledBundle> installed, List<String> notices) {
        Map<String, InstalledBundle> newest = new LinkedHashMap<>();
        for (InstalledBundle b : installed) {
            InstalledBundle kept = newest.get(b.descriptor().id());
            if (kept == null || b.descriptor().compareVersion(kept.descriptor()) > 0) {
                newest.put(b.descriptor().id(), b);
            }
        }
        for (InstalledBundle b : installed) {
            InstalledBundle kept = newest.get(b.descriptor().id());
            if (kept != b) {
                notices.add(b.origin() + " is not loaded: " + kept.origin() + " is "
                        + (b.descriptor().compareVersion(kept.descriptor()) == 0 ? "the same version, first by file "
                        + "name" : "newer") + "; remove " + b.source().getFileName() + " from the plugins folder");
            }
        }
        return installed.stream().filter(b -> newest.get(b.descriptor().id()) == b).toList();
    }

    /** The loaded bundles, in file-name order. */
    List<LoadedBundle> loaded() {
        return Collections.unmodifiableList(loaded);
    }

    /** Takes {@code bundle} out (its lifecycle failed to start): its providers are not offered, its loader closes. */
    void drop(LoadedBundle bundle) {
        if (loaded.remove(bundle)) {
            try {
                bundle.close();
            } catch (IOException e) {
                LOG.debug("closing the class loader of {}: {}", bundle.installed().origin(), e.toString());
            }
        }
    }

    /** Bundles that could not be loaded: one line each with path, problem and fix. */
    List<String> failures() {
        return failures;
    }

    /** What a run should say in its first lines: older versions not loaded, leftover folders ignored. */
    List<String> notices() {
        return notices;
    }

    @Override
    public void close() {
        for (LoadedBundle b : loaded) {
            try {
                b.close();
            } catch (IOException e) {
                LOG.debug("closing the class loader of {}: {}", b.installed().origin(), e.toString());
            }
        }
    }
}
