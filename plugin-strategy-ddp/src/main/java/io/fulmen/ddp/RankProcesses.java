package io.fulmen.ddp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Processes of other ranks started by this one (the subprocess launcher's side): each with its rank's
 * environment, its output forwarded line by line with a {@code [rank N]} prefix, waited for at the end and killed
 * when this process fails or exits first.
 */
final class RankProcesses implements AutoCloseable {
    /** The variable by which a started rank knows the process to outlive never. */
    static final String PARENT_PID = "FULMEN_DDP_PARENT_PID";

    private final List<Child> children = new ArrayList<>();
    private final Thread killOnExit = new Thread(this::destroyAll, "fulmen-ddp-kill-ranks");
    private boolean hookInstalled;

    /** A started rank. */
    record Child(int rank, Process process) {
        String describe() {
            return "rank " + rank + " (pid " + process.pid() + ")";
        }
    }

    /**
     * Starts {@code command} as {@code rank} with {@code env} added to this process's environment, forwarding its
     * output to {@code out}.
     */
    void start(int rank, List<String> command, Map<String, String> env, PrintStream out) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(killOnExit);
            hookInstalled = true;
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put(PARENT_PID, Long.toString(ProcessHandle.current().pid()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start rank " + rank + " with " + command.get(0), e);
        }
        children.add(new Child(rank, p));
        Thread forward = new Thread(() -> forward(p, "[rank " + rank + "] ", out), "fulmen-ddp-rank-" + rank);
        forward.setDaemon(true);
        forward.start();
    }

    private static void forward(Process p, String prefix, PrintStream out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.println(prefix + line);
            }
        } catch (IOException e) {
            out.println(prefix + "(output lost: " + e + ")");
        }
    }

    /** The first started rank that has exited with a non-zero code, waiting up to {@code grace} for one. */
    Optional<String> failed(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        do {
            for (Child c : children) {
                if (!c.process.isAlive() && c.process.exitValue() != 0) {
                    return Optional.of(c.describe() + " exited with code " + c.process.exitValue()
                            + signal(c.process.exitValue()));
                }
            }
            sleep(50);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    private static String signal(int code) {
        return code > 128 && code < 160 ? " (killed by signal " + (code - 128) + ")" : "";
    }

    /**
     * Waits until every started rank exited with code 0 (empty), or one exited otherwise (what happened to it; the
     * others are left running for the caller to stop).
     */
    Optional<String> awaitFirstFailure() {
        while (true) {
            boolean allDone = true;
            for (Child c : children) {
                if (c.process.isAlive()) {
                    allDone = false;
                } else if (c.process.exitValue() != 0) {
                    return Optional.of(c.describe() + " exited with code " + c.process.exitValue()
                            + signal(c.process.exitValue()));
                }
            }
            if (allDone) {
                return Optional.empty();
            }
            sleep(100);
        }
    }

    /**
     * Waits up to {@code timeout} for every started rank to exit; kills those still running then. Returns what went
     * wrong, or empty when every rank exited with code 0.
     */
    Optional<String> awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> problems = new ArrayList<>();
        for (Child c : children) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!c.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    c.process.destroyForcibly();
                    problems.add(c.describe() + " did not finish within " + timeout + " and was killed");
                } else if (c.process.exitValue() != 0) {
                    problems.add(c.describe() + " exited with code " + c.process.exitValue()
                            + signal(c.process.exitValue()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                destroyAll();
                problems.add("interrupted while waiting for " + c.describe());
                break;
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** Kills every started rank still running. */
    void destroyAll() {
        for (Child c : children) {
            c.process.descendants().forEach(ProcessHandle::destroyForcibly);
            c.process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        destroyAll();
        if (hookInstalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it kills them anyway
            }
            hookInstalled = false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * In a started rank: halts this JVM when the process named by {@link #PARENT_PID} in {@code env} ends, so that
     * no rank outlives its launcher.
     */
    static void exitWithParent(Map<String, String> env) {
        String pid = env.get(PARENT_PID);
        if (pid == null || pid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    System.err.println("fulmen ddp: the launching process " + pid + " ended; this rank stops");
                    Runtime.getRuntime().halt(3);
                }),
                () -> Runtime.getRuntime().halt(3));
    }
}
