package io.fulmen.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The distribution the build assembled (failsafe names it), and its {@code bin/fulmen} run as a child process. */
final class Distribution {
    /** What a run printed and returned. */
    record Result(int exitCode, String out, String err) {
        /** The last line of standard output starting with {@code prefix}. */
        String line(String prefix) {
            List<String> lines = out.lines().filter(l -> l.startsWith(prefix)).toList();
            assertTrue(!lines.isEmpty(), "no line starting with '" + prefix + "' in:\n" + this);
            return lines.get(lines.size() - 1);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private Distribution() {}

    static Path home() {
        String dir = System.getProperty("fulmen.distribution");
        assertTrue(dir != null, "run through maven-failsafe, which names the distribution (fulmen.distribution)");
        return Path.of(dir);
    }

    /** Runs {@code bin/fulmen args} in {@code workDir}. */
    static Result fulmen(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home().resolve("bin/fulmen").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("FULMEN_PLUGINS_DIR");
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("bin/fulmen " + String.join(" ", args) + " did not finish in 180 s:\n" + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
