package io.fulmen.ddp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts {@link DdpTrainMain} (or another main of the test class path) as a real JVM and reads what it wrote. */
final class RankRuns {
    private RankRuns() {}

    static List<String> javaCommand(String mainClass, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // Short runs: the C1 compiler alone and the serial collector start faster (the launched ranks inherit them).
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                classpath, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", mainClass));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Starts {@code command}, its output (and its launched ranks', prefixed) going to {@code log}. */
    static Process start(List<String> command, Path log, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        for (String v : List.of("MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RANK", "LOCAL_RANK", "NODE_RANK",
                "GROUP_RANK", "SLURM_NTASKS", "SLURM_PROCID", RankProcesses.PARENT_PID)) {
            pb.environment().remove(v);
        }
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs {@code command} to its end within {@code seconds}; fails with its output unless it exits with 0. */
    static String runToEnd(List<String> command, Path log, long seconds) throws IOException, InterruptedException {
        Process p = start(command, log, Map.of());
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("did not finish within " + seconds + " s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        if (p.exitValue() != 0) {
            throw new AssertionError("exit code " + p.exitValue() + ":\n" + output);
        }
        return output;
    }

    /** The parameters a run wrote, by name. */
    static Map<String, float[]> weights(Path file) throws IOException {
        Map<String, float[]> out = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.split(" ");
            float[] v = new float[parts.length - 1];
            for (int i = 1; i < parts.length; i++) {
                v[i - 1] = Float.parseFloat(parts[i]);
            }
            out.put(parts[0], v);
        }
        return out;
    }

    /** The largest absolute difference between two runs' parameters; fails when their names or shapes differ. */
    static double maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            throw new AssertionError("different parameters: " + a.keySet() + " vs " + b.keySet());
        }
        double max = 0;
        for (Map.Entry<String, float[]> e : a.entrySet()) {
            float[] x = e.getValue();
            float[] y = b.get(e.getKey());
            if (x.length != y.length) {
                throw new AssertionError(e.getKey() + ": " + x.length + " vs " + y.length + " values");
            }
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }
}
