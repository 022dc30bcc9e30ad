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
    public static final List<String> NAMES = List.of("simple", "advanced");

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

    /** The file Lightning writes a stage's report to: {@code fit-profiler.txt} and so on. */
    public static Path reportFile(Path dir, String stage) {
        return dir.resolve(stage + "-profiler.txt");
    }

    /** Prints {@code report} to {@code out} and writes it to {@code file}. */
    static void publish(String report, Path file, PrintStream out) {
        out.print(report);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the profiler report to " + file, e);
        }
    }
}
