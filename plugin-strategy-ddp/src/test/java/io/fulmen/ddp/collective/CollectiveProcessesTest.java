package io.fulmen.ddp.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ranks in real JVMs ({@link CollectiveRank}) reducing PyTorch tensors through Gloo, over both rendezvous kinds,
 * and a peer that dies or hangs mid-operation. Skipped only where the native shim is not built and CI is not set.
 */
class CollectiveProcessesTest {

    private static final long TIMEOUT_MS = 20_000;
    private static final long CHILD_WAIT_S = 120;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void requireGloo() {
        boolean built = GlooNative.class.getResource(GlooNative.RESOURCE) != null;
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        assumeTrue(built || ci, "the native Gloo shim is not built (apt-get install libgloo-dev g++, or "
                + "scripts/install-system-deps); these tests run wherever it is, and always in CI");
        assertTrue(built, "CI=true but the native Gloo shim was not built: run scripts/install-system-deps");
        // Extract PyTorch's native libraries once, here, before ranks start together and race on the cache.
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.ones(new ai.djl.ndarray.types.Shape(1)).close();
        }
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void everyOperationAndTypeOverASharedDirectory() throws Exception {
        String rendezvous = "dir:" + dir.resolve("rendezvous");
        List<Process> ranks = startRanks(rendezvous, 2, "all");
        for (int r = 0; r < ranks.size(); r++) {
            expectOk(ranks.get(r), r);
        }
    }

    @Test
    void everyOperationAndTypeOverTcpWithThreeRanks() throws Exception {
        String rendezvous = "tcp:127.0.0.1:" + freePort();
        List<Process> ranks = startRanks(rendezvous, 3, "all");
        for (int r = 0; r < ranks.size(); r++) {
            expectOk(ranks.get(r), r);
        }
    }

    @Test
    void aKilledPeerMakesTheSurvivorFailNamingIt() throws Exception {
        String rendezvous = "tcp:127.0.0.1:" + freePort();
        Process survivor = start(rendezvous, 0, 2, "survivor", TIMEOUT_MS, "rank-0.log");
        Process victim = start(rendezvous, 1, 2, "victim", TIMEOUT_MS, "rank-1.log");
        awaitLine(victim, "rank-1.log", "WAITING rank=1");
        awaitLine(survivor, "rank-0.log", "ENTERING all-reduce rank=0");
        victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        String out = finish(survivor, "rank-0.log");
        assertEquals(3, survivor.exitValue(), out);
        assertTrue(out.contains("FAILED: all-reduce failed on rank 0 of 2: rank 1 is gone"), out);
    }

    @Test
    void aStoppedPeerMakesTheSurvivorTimeOutNamingIt() throws Exception {
        String rendezvous = "dir:" + dir.resolve("rendezvous");
        long shortTimeout = 3000;
        Process survivor = start(rendezvous, 0, 2, "survivor", shortTimeout, "rank-0.log");
        Process victim = start(rendezvous, 1, 2, "victim", shortTimeout, "rank-1.log");
        awaitLine(victim, "rank-1.log", "WAITING rank=1");
        awaitLine(survivor, "rank-0.log", "ENTERING all-reduce rank=0");
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(victim.pid())).inheritIO().start();
        assertEquals(0, stop.waitFor(), "kill -STOP");
        String out = finish(survivor, "rank-0.log");
        assertEquals(3, survivor.exitValue(), out);
        assertTrue(out.contains("FAILED: all-reduce failed on rank 0 of 2: rank 1 does not respond"), out);
        assertTrue(out.contains("Timed out waiting 3000ms"), out);
    }

    @Test
    void aPeerThatNeverJoinsMakesTheOtherTimeOut() throws Exception {
        String rendezvous = "dir:" + dir.resolve("rendezvous");
        long shortTimeout = 3000;
        Process survivor = start(rendezvous, 0, 2, "survivor", shortTimeout, "rank-0.log");
        Process idle = start(rendezvous, 1, 2, "victim", shortTimeout, "rank-1.log");
        String out = finish(survivor, "rank-0.log");
        assertEquals(3, survivor.exitValue(), out);
        assertTrue(out.contains("FAILED: all-reduce failed on rank 0 of 2: every peer still answers")
                && out.contains("3000 ms timeout"), out);
        assertTrue(idle.isAlive(), "the idle rank is left alone");
    }

    // ------------------------------------------------------------------ child processes

    private List<Process> startRanks(String rendezvous, int world, String scenario) throws IOException {
        List<Process> ranks = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            ranks.add(start(rendezvous, r, world, scenario, TIMEOUT_MS, "rank-" + r + ".log"));
        }
        return ranks;
    }

    private Process start(String rendezvous, int rank, int world, String scenario, long timeoutMs, String log)
            throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Surefire's own JVM may run from a manifest-only jar; its real class path is in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(java, "-cp", classpath, "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Xss4m", CollectiveRank.class.getName(), rendezvous,
                Integer.toString(rank), Integer.toString(world), scenario, Long.toString(timeoutMs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile());
        // One intra-op thread per rank: the ranks share this machine's cores.
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private void expectOk(Process rank, int r) throws Exception {
        String out = finish(rank, "rank-" + r + ".log");
        assertEquals(0, rank.exitValue(), out);
        assertTrue(out.contains("OK rank=" + r), out);
    }

    private String finish(Process process, String log) throws InterruptedException {
        if (!process.waitFor(CHILD_WAIT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("a rank did not finish within " + CHILD_WAIT_S + " s\n" + read(log));
        }
        return read(log);
    }

    private void awaitLine(Process process, String log, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_WAIT_S);
        while (!read(log).contains(line)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                fail("expected '" + line + "' from a rank\n" + read(log));
            }
            Thread.sleep(50);
        }
    }

    private String read(String log) {
        try {
            Path file = dir.resolve(log);
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
