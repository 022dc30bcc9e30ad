package io.fulmen.runtime.profiler;

import org.apiguardian.api.API;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The profilers a Trainer can be built with, by Lightning's names, and where their reports go. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class Profilers {
    /** The names {@code profiler(...)} accepts. */
    public static final List<String> NAMES = List.of("simple");

    private Profilers() {}

    /** {@code name} in lower case, or null for no profiler (null, blank or "none"); fails on an unknown name. */
    public static String checkName(String name) {
        if (name == null || name.isBlank() || name.equalsIgnoreCase("none")) {
            return null;
        }
        String lower = name.strip().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(lower)) {
            throw new IllegalArgumentException("unknown profiler '" + name + "'; available: " + NAMES);
        }
        return lower;
    }

    /** A fresh profiler for one call, or null when {@code name} (already checked) is null. */
    public static SimpleProfiler create(String name) {
        return name == null ? null : new SimpleProfiler();
    }

    /** The file Lightning writes a stage's report to: {@code fit-profiler.txt} and so on. */
    public static Path reportFile(Path dir, String stage) {
        return dir.resolve(stage + "-profiler.txt");
    }

    /** Prints {@code summary}'s table to {@code out} and writes it to {@link #reportFile} in {@code dir}. */
    public static void publish(ProfileSummary summary, Path dir, PrintStream out) {
        String table = summary.table();
        out.print(table);
        try {
            Files.createDirectories(dir);
            Files.writeString(reportFile(dir, summary.stage()), table, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the profiler report to " + dir, e);
        }
    }
}
