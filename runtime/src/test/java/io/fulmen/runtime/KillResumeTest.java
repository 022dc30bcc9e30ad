package io.fulmen.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 3's kill test: a child JVM ({@link KillResumeChild}) trains with a full checkpoint every {@value #S} steps
 * and is killed with SIGKILL ({@link Process#destroyForcibly()}) at a random moment; a new child resumes from
 * {@code last.ckpt} to the end and its final parameters, optimizer state and learning rate must equal, byte for
 * byte, those of a child that ran uninterrupted. Repeated with different moments, for SGD with momentum and for Adam
 * with a cosine schedule; every other trial also kills the first resumed child, so a resume of a resume is covered.
 *
 * <p>The kill moments are drawn from a seeded {@link Random} over the window between the first checkpoint's
 * appearance and the end of training, measured on the uninterrupted run, so that they land mid-run on a fast or a
 * slow machine. Set {@code -Dfulmen.killSeed=<n>} to draw other moments.
 */
class KillResumeTest {
    private static final int N = 60;
    private static final int S = 4;
    private static final int TRIALS = 4;
    private static final long CHILD_TIMEOUT_S = 120;
    /** The writer's temporary name, see {@code CheckpointWriter}: {@code .<name>.tmp-<16 hex digits>}. */
    private static final Pattern TEMP = Pattern.compile("\\..+\\.tmp-[0-9a-f]{16}");
    private static final Pattern START = Pattern.compile("START step=(\\d+)");

    @TempDir
    Path root;

    private int childCount;
    private String checkpointIO = "default";

    /** An uninterrupted run: its final.bin, and how long training lasted after the first checkpoint appeared. */
    private record Reference(byte[] finalBytes, long windowMs) {}

    @Test
    void sigkilledTrainingResumesFromLastToTheUninterruptedResult() throws Exception {
        killAndResume("default", TRIALS);
    }

    /** The same guarantee when checkpoints are written in the background ({@code checkpointIO("async")}). */
    @Test
    void sigkilledTrainingWithAsynchronousCheckpointsResumesToTheUninterruptedResult() throws Exception {
        killAndResume("async", 2);
    }

    private void killAndResume(String checkpointIO, int trials) throws Exception {
        this.checkpointIO = checkpointIO;
        long seed = Long.getLong("fulmen.killSeed", 20250611L);
        Random rng = new Random(seed);
        long began = System.nanoTime();
        Map<String, Reference> references = Map.of("sgd", reference("sgd"), "adam", reference("adam"));
        log("seed %d; references: sgd %d ms, adam %d ms after the first checkpoint (%.1f s)", seed,
                references.get("sgd").windowMs, references.get("adam").windowMs, seconds(began));

        int midRunKills = 0;
        for (int trial = 0; trial < trials; trial++) {
            String optimizer = trial < trials / 2 ? "sgd" : "adam";
            Reference ref = references.get(optimizer);
            Path dir = Files.createDirectories(root.resolve("trial-" + trial));
            Set<Path> temps = new HashSet<>();

            // 1. A fresh child, killed at a random moment after its first checkpoint.
            Child fresh = start(dir, "fresh", optimizer);
            waitForFile(fresh, dir.resolve(KillResumeChild.CKPT));
            long delay = rng.nextInt((int) Math.max(1, ref.windowMs * 75 / 100));
            boolean mid = killAfter(fresh, delay);
            midRunKills += mid ? 1 : 0;
            checkAfterKill(dir, temps);
            String note = String.format("trial %d (%s): killed fresh child after %d ms%s", trial, optimizer, delay,
                    mid ? "" : " (it had finished)");

            // 2. On odd trials, a resumed child killed as well.
            if (trial % 2 == 1) {
                Child resumed = start(dir, "resume", optimizer);
                long from = waitForStart(resumed);
                long perStep = ref.windowMs / (N - S);
                long delay2 = rng.nextInt((int) Math.max(1, (N - from) * perStep * 80 / 100));
                boolean mid2 = killAfter(resumed, delay2);
                midRunKills += mid2 ? 1 : 0;
                checkAfterKill(dir, temps);
                note += String.format("; resumed at step %d, killed after %d ms%s", from, delay2,
                        mid2 ? "" : " (it had finished)");
            }

            // 3. A resumed child run to the end.
            Files.deleteIfExists(dir.resolve(KillResumeChild.FINAL));
            Child last = start(dir, "resume", optimizer);
            long from = waitForStart(last);
            finish(last);
            assertTrue(from > 0 && from % S == 0 && from <= N,
                    "resumed from step " + from + ", not a checkpointed step\n" + last.output());
            assertFinalEquals(ref.finalBytes, dir.resolve(KillResumeChild.FINAL), "trial " + trial);
            log("%s; resumed from step %d to %d: equal; partial checkpoints left: %s (%.1f s)", note, from, N,
                    temps.stream().map(dir::relativize).toList(), seconds(began));
        }
        assertTrue(midRunKills > 0, "no kill landed before the child finished; the test exercised nothing");
        log("%d of the kills landed mid-run; %d child JVMs in %.1f s", midRunKills, childCount, seconds(began));
    }

    // ------------------------------------------------------------------ steps

    private Reference reference(String optimizer) throws Exception {
        Path dir = Files.createDirectories(root.resolve("reference-" + optimizer));
        Child child = start(dir, "fresh", optimizer);
        waitForFile(child, dir.resolve(KillResumeChild.CKPT));
        long first = System.nanoTime();
        finish(child);
        long window = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - first);
        assertEquals(0, waitForStart(child), "the reference started from scratch");
        return new Reference(Files.readAllBytes(dir.resolve(KillResumeChild.FINAL)), window);
    }

    /** Sleeps {@code delayMs}, then SIGKILLs the child; returns whether it was still training (no DONE yet). */
    private static boolean killAfter(Child child, long delayMs) throws Exception {
        Thread.sleep(delayMs);
        boolean alive = child.process.isAlive();
        child.process.destroyForcibly();
        assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), "a killed child did not end in 30 s");
        boolean done = child.output().contains("DONE");
        if (alive && !done) {
            assertEquals(137, child.process.exitValue(), "a SIGKILLed JVM exits with 128 + 9\n" + child.output());
        } else {
            assertTrue(done, "the child ended before the kill without finishing\n" + child.output());
        }
        return !done;
    }

    /**
     * After a kill: {@code last.ckpt} is a regular file and at most one new writer temporary was left, which is not
     * {@code last.ckpt} (the file the next child resumes from).
     */
    private static void checkAfterKill(Path dir, Set<Path> seen) throws IOException {
        Path ckpt = dir.resolve(KillResumeChild.CKPT);
        assertTrue(Files.isRegularFile(ckpt), "last.ckpt is missing after the kill");
        assertTrue(Files.size(ckpt) > 0, "last.ckpt is empty after the kill");
        List<Path> temps;
        try (Stream<Path> files = Files.walk(dir)) {
            temps = files.filter(Files::isRegularFile)
                    .filter(p -> TEMP.matcher(p.getFileName().toString()).matches())
                    .toList();
        }
        List<Path> fresh = new ArrayList<>(temps);
        fresh.removeAll(seen);
        assertTrue(fresh.size() <= 1, "a kill left more than one temporary file: " + fresh);
        for (Path t : fresh) {
            assertFalse(t.equals(ckpt), "the temporary is the resume file");
            assertTrue(t.getFileName().toString().startsWith("." + KillResumeChild.CKPT + ".tmp-")
                    || !t.getParent().equals(dir), "an unexpected temporary beside last.ckpt: " + t);
        }
        seen.addAll(fresh);
    }

    private static void assertFinalEquals(byte[] expected, Path file, String what) throws IOException {
        assertTrue(Files.isRegularFile(file), what + ": no final.bin");
        byte[] actual = Files.readAllBytes(file);
        if (Arrays.equals(expected, actual)) {
            return;
        }
        Map<String, float[]> want = KillResumeChild.decode(expected);
        Map<String, float[]> got = KillResumeChild.decode(actual);
        StringBuilder diff = new StringBuilder(what + ": final state differs from the uninterrupted run's:");
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()), diff + " entries or their order");
        want.forEach((k, v) -> {
            float[] g = got.get(k);
            if (!Arrays.equals(v, g)) {
                float max = 0;
                for (int i = 0; i < Math.min(v.length, g.length); i++) {
                    max = Math.max(max, Math.abs(v[i] - g[i]));
                }
                diff.append("\n  ").append(k).append(": max |diff| ").append(max);
            }
        });
        fail(diff.toString());
    }

    // ------------------------------------------------------------------ child processes

    /** A child JVM and its combined stdout/stderr file. */
    private record Child(Process process, Path log) {
        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Child start(Path dir, String mode, String optimizer) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Surefire's own JVM may run from a manifest-only jar; its real class path is in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(java, "-cp", classpath, "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Xss4m",
                "-D" + KillResumeChild.CHECKPOINT_IO_PROPERTY + "=" + checkpointIO, KillResumeChild.class.getName(),
                dir.toString(), Integer.toString(N), Integer.toString(S), mode, optimizer);
        Path log = dir.resolve("child-" + (++childCount) + "-" + mode + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Child(process, log);
    }

    /** Waits for the child to exit by itself, successfully, having printed DONE. */
    private static void finish(Child child) throws InterruptedException {
        if (!child.process.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)) {
            child.process.destroyForcibly();
            fail("a child did not finish in " + CHILD_TIMEOUT_S + " s\n" + child.output());
        }
        assertEquals(0, child.process.exitValue(), "a child failed\n" + child.output());
        assertTrue(child.output().contains("DONE step=" + N), "a child did not print DONE\n" + child.output());
    }

    /** Polls until {@code file} exists; fails if the child ends first or the timeout passes. */
    private static void waitForFile(Child child, Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_S);
        while (!Files.exists(file)) {
            if (!child.process.isAlive()) {
                fail("the child ended before writing " + file.getFileName() + "\n" + child.output());
            }
            if (System.nanoTime() > deadline) {
                child.process.destroyForcibly();
                fail("no " + file.getFileName() + " after " + CHILD_TIMEOUT_S + " s\n" + child.output());
            }
            Thread.sleep(2);
        }
    }

    /** Polls the child's output until it prints START; returns the step it started from. */
    private static long waitForStart(Child child) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_S);
        while (true) {
            Matcher m = START.matcher(child.output());
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            if (!child.process.isAlive()) {
                fail("the child ended before starting to train\n" + child.output());
            }
            if (System.nanoTime() > deadline) {
                child.process.destroyForcibly();
                fail("the child did not start training in " + CHILD_TIMEOUT_S + " s\n" + child.output());
            }
            Thread.sleep(2);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.println("[KillResumeTest] " + String.format(format, args));
    }
}
