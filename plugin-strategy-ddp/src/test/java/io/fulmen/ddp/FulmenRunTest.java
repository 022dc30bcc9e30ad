package io.fulmen.ddp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fulmen-run}: two "nodes" of two processes each on this machine, and a restart after a killed rank. */
class FulmenRunTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The launcher's arguments, then the java arguments of the test program. */
    private static String[] launcher(List<String> options, String... programArgs) {
        List<String> java = RankRuns.javaCommand(DdpTrainMain.class.getName(), programArgs);
        List<String> all = new ArrayList<>(options);
        all.add("--");
        all.addAll(java.subList(1, java.size()));
        return all.toArray(String[]::new);
    }

    private static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            synchronized (stream) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void twoNodesOfTwoProcessesTrainToTheWeightsOfOneProcess() throws Exception {
        Path single = dir.resolve("single/w.txt");
        java.nio.file.Files.createDirectories(single.getParent());
        DdpTrainMain.main(new String[] {single.toString(), "sgd", "1", "single_device", "1", "64", "2"});
        Path ddp = dir.resolve("ddp/w.txt");
        String port = Integer.toString(freePort());
        List<CompletableFuture<Integer>> nodes = new ArrayList<>();
        List<Output> outputs = new ArrayList<>();
        for (int node = 0; node < 2; node++) {
            Output out = new Output();
            outputs.add(out);
            FulmenRun.Options options = FulmenRun.Options.parse(launcher(List.of("--nnodes", "2", "--node-rank",
                    Integer.toString(node), "--nproc-per-node", "2", "--master-addr", "127.0.0.1", "--master-port",
                    port), ddp.toString(), "sgd", "1", "ddp", "2", "16", "2", "0", "60s", "2"));
            nodes.add(CompletableFuture.supplyAsync(() -> new FulmenRun(options, out.stream).run()));
        }
        for (int node = 0; node < 2; node++) {
            int code = nodes.get(node).get(240, TimeUnit.SECONDS);
            assertEquals(0, code, "node " + node + ":\n" + outputs.get(node).text());
        }
        assertTrue(outputs.get(1).text().contains("[rank 3] DONE rank 3 steps 8"), outputs.get(1).text());
        double diff = RankRuns.maxDifference(RankRuns.weights(single), RankRuns.weights(ddp));
        System.out.println("fulmen-run 2 nodes x 2 processes: max weight difference " + diff);
        assertTrue(diff <= 1e-6, "max weight difference " + diff);
    }

    @Test
    void aKilledRankIsRestartedAndTheRunResumesFromLast() throws Exception {
        Path single = dir.resolve("single/w.txt");
        java.nio.file.Files.createDirectories(single.getParent());
        DdpTrainMain.main(new String[] {single.toString(), "adam", "1", "single_device", "1", "64", "2"});
        Path ddp = dir.resolve("ddp/w.txt");
        Output out = new Output();
        FulmenRun.Options options = FulmenRun.Options.parse(launcher(List.of("--nproc-per-node", "2",
                "--master-port", Integer.toString(freePort()), "--max-restarts", "1"), ddp.toString(), "adam", "1",
                "ddp", "2", "32", "2", "150", "60s"));
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> new FulmenRun(options, out.stream).run());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!out.text().contains("[rank 1] STEP 5")) {
            assertTrue(System.nanoTime() < deadline && !run.isDone(), out.text());
            Thread.sleep(50);
        }
        ProcessHandle victim = ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(ddp.toString())).orElse(false))
                .findFirst().orElseThrow();
        victim.destroyForcibly();
        int code = run.get(240, TimeUnit.SECONDS);
        String text = out.text();
        assertEquals(0, code, text);
        assertTrue(text.contains("restarting every local rank (restart 1 of 1)"), text);
        String afterRestart = text.substring(text.indexOf("restarting every local rank"));
        assertTrue(afterRestart.matches("(?s).*\\[rank 0\\] START step=[46]\\b.*"),
                "resumed from the last checkpoint (step 4 or 6): " + afterRestart);
        assertTrue(text.contains("DONE rank 0 steps 8"), text);
        double diff = RankRuns.maxDifference(RankRuns.weights(single), RankRuns.weights(ddp));
        System.out.println("fulmen-run restart after a killed rank: max weight difference " + diff);
        assertTrue(diff <= 1e-6, "max weight difference " + diff);
    }

    @Test
    void badArgumentsFailNamingTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FulmenRun.Options.parse("--nnodes", "2", "--node-rank", "2", "-cp", "x", "Main"));
        assertTrue(e.getMessage().contains("--node-rank 2 must be below --nnodes 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FulmenRun.Options.parse("--nproc", "2", "Main"));
        assertTrue(e.getMessage().contains("unknown option --nproc") && e.getMessage().contains("usage"),
                e.getMessage());
        FulmenRun.Options o = FulmenRun.Options.parse("--nproc_per_node=3", "-cp", "x", "Main", "--lr", "1");
        assertEquals(3, o.nprocPerNode());
        assertEquals(List.of("-cp", "x", "Main", "--lr", "1"), o.javaArgs());
    }
}
