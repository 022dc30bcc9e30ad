package io.fulmen.ddp;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code fulmen-run}, the torchrun of Fulmen: starts {@code --nproc-per-node} JVMs of a program on this node with
 * the variables a Trainer's {@code strategy("ddp")} reads ({@code MASTER_ADDR}, {@code MASTER_PORT},
 * {@code WORLD_SIZE}, {@code RANK}, {@code LOCAL_RANK}, {@code NODE_RANK}), forwards their output with a rank
 * prefix, and when one fails, stops the others and starts them all again up to {@code --max-restarts} times
 * ({@code FULMEN_RESTART_COUNT} tells the program, which resumes with {@code ckptPath("last")}). Exits 0 when every
 * process did, 1 otherwise, naming the rank that failed.
 *
 * <pre>fulmen-run [--nproc-per-node N] [--nnodes M] [--node-rank R] [--master-addr HOST] [--master-port PORT]
 *            [--max-restarts K] [--] &lt;java arguments: -cp app.jar com.example.Train args...&gt;</pre>
 *
 * <p>Uses the JDK only, so that it runs with nothing but this plugin's classes on the class path.
 */
public final class FulmenRun {
    static final String RESTART_COUNT = "FULMEN_RESTART_COUNT";

    private final Options options;
    private final PrintStream out;

    FulmenRun(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** The command line, read. */
    record Options(int nprocPerNode, int nnodes, int nodeRank, String masterAddr, int masterPort, int maxRestarts,
                   List<String> javaArgs) {
        static final String USAGE = "usage: fulmen-run [--nproc-per-node N] [--nnodes M] [--node-rank R] "
                + "[--master-addr HOST] [--master-port PORT] [--max-restarts K] [--] <java arguments: -cp app.jar "
                + "com.example.Train args...>";

        static Options parse(String... args) {
            Map<String, String> values = new HashMap<>(Map.of("--nproc-per-node", "1", "--nnodes", "1",
                    "--node-rank", "0", "--master-addr", "127.0.0.1", "--master-port", "29500",
                    "--max-restarts", "0"));
            int i = 0;
            while (i < args.length && args[i].startsWith("--")) {
                String arg = args[i];
                if (arg.equals("--")) {
                    i++;
                    break;
                }
                String key = arg;
                String value;
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    key = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException(arg + " needs a value; " + USAGE);
                }
                key = key.replace('_', '-');
                if (!values.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option " + arg + "; " + USAGE);
                }
                values.put(key, value);
                i++;
            }
            List<String> javaArgs = List.of(args).subList(i, args.length);
            if (javaArgs.isEmpty()) {
                throw new IllegalArgumentException("no program to run; " + USAGE);
            }
            Options o = new Options(number(values, "--nproc-per-node", 1), number(values, "--nnodes", 1),
                    number(values, "--node-rank", 0), values.get("--master-addr"), number(values, "--master-port", 1),
                    number(values, "--max-restarts", 0), javaArgs);
            if (o.nodeRank >= o.nnodes) {
                throw new IllegalArgumentException("--node-rank " + o.nodeRank + " must be below --nnodes " + o.nnodes);
            }
            if (o.masterPort > 65535) {
                throw new IllegalArgumentException("--master-port " + o.masterPort + " is not a port (1..65535)");
            }
            return o;
        }

        private static int number(Map<String, String> values, String key, int min) {
            String v = values.get(key);
            try {
                int n = Integer.parseInt(v.trim());
                if (n < min) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " " + v + " must be an integer >= " + min);
            }
        }

        int worldSize() {
            return nprocPerNode * nnodes;
        }
    }

    /** Runs the local processes, restarting them on failure; the exit code for this launcher. */
    int run() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / options.nprocPerNode());
        List<String> command = new ArrayList<>();
        command.add(ChildCommand.javaBinary());
        command.add("-Dai.djl.pytorch.num_threads=" + threads);
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.addAll(options.javaArgs());
        for (int attempt = 0; ; attempt++) {
            Optional<String> failure;
            try (RankProcesses processes = new RankProcesses()) {
                for (int local = 0; local < options.nprocPerNode(); local++) {
                    int rank = options.nodeRank() * options.nprocPerNode() + local;
                    processes.start(rank, command, environment(rank, local, threads, attempt), out);
                }
                failure = processes.awaitFirstFailure();
            }
            if (failure.isEmpty()) {
                return 0;
            }
            if (attempt >= options.maxRestarts()) {
                out.println("fulmen-run: " + failure.get() + "; " + (options.maxRestarts() == 0 ? "no restarts allowed"
                        : "giving up after " + options.maxRestarts() + " restart(s)"));
                return 1;
            }
            out.println("fulmen-run: " + failure.get() + "; restarting every local rank (restart " + (attempt + 1)
                    + " of " + options.maxRestarts() + ")");
        }
    }

    private Map<String, String> environment(int rank, int local, int threads, int attempt) {
        Map<String, String> env = new HashMap<>();
        env.put("MASTER_ADDR", options.masterAddr());
        env.put("MASTER_PORT", Integer.toString(options.masterPort()));
        env.put("WORLD_SIZE", Integer.toString(options.worldSize()));
        env.put("RANK", Integer.toString(rank));
        env.put("LOCAL_RANK", Integer.toString(local));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(options.nprocPerNode()));
        env.put("NODE_RANK", Integer.toString(options.nodeRank()));
        env.put("GROUP_RANK", Integer.toString(options.nodeRank()));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put(RESTART_COUNT, Integer.toString(attempt));
        env.put("TORCHELASTIC_RESTART_COUNT", Integer.toString(attempt));
        return env;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fulmen-run: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new FulmenRun(options, System.out).run());
    }
}
