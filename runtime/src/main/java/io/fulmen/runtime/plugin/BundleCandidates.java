package io.fulmen.runtime.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a plugins folder offers, in file-name order: zip bundles, folder bundles, and what is reported instead of
 * loaded — a bare jar (not a bundle), and a folder beside a zip of the same name (one an older runtime unpacked
 * there, never loaded). Hidden entries (the install folder among them) and {@code .sha256} pins are not
 * candidates; other files are not either.
 *
 * @param zips     zip bundles
 * @param folders  folder bundles
 * @param problems bundles refused here, one line each
 * @param notices  entries skipped on purpose, one line each
 */
record BundleCandidates(List<Path> zips, List<Path> folders, List<String> problems, List<String> notices) {
    static BundleCandidates scan(Path folder) {
        List<Path> entries;
        try (Stream<Path> list = Files.list(folder)) {
            entries = list.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list the plugins folder " + folder + ": " + e, e);
        }
        List<Path> zips = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        for (Path p : entries) {
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (Files.isDirectory(p)) {
                if (Files.exists(p.resolveSibling(p.getFileName() + ".zip"))) {
                    notices.add("folder " + p.toAbsolutePath() + " beside " + p.getFileName() + ".zip is ignored "
                            + "(an older runtime unpacked it there; bundles now load from " + BundleInstaller
                            .INSTALL_FOLDER + "); delete it");
                } else {
                    folders.add(p);
                }
            } else if (name.endsWith(".zip")) {
                zips.add(p);
            } else if (name.endsWith(".jar")) {
                problems.add(new BundleProblem(p, "a bare jar is not a bundle", "put it in a zip with "
                        + "plugin.properties at the root and the jar in lib/ (docs/writing-plugins.md, 'Build the "
                        + "bundle'), or add the jar to the application's classpath").getMessage());
            }
        }
        return new BundleCandidates(List.copyOf(zips), List.copyOf(folders), List.copyOf(problems),
                List.copyOf(notices));
    }
}
