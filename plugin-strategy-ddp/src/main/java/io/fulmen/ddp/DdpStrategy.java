package io.fulmen.ddp;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.fulmen.ddp.collective.Collective;
import io.fulmen.ddp.collective.Collectives;
import io.fulmen.ddp.collective.Rendezvous;
import io.fulmen.spi.CheckpointData;
import io.fulmen.spi.ClusterEnvironment;
import io.fulmen.spi.OptimizerStep;
import io.fulmen.spi.ReduceOp;
import io.fulmen.spi.SingleDeviceStrategy;
import io.fulmen.spi.StrategyContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Distributed data parallel (Lightning's {@code DDPStrategy}): one process per device, every node, all training
 * the same model on their own shard of the data. Launched by hand ({@code devices(N)} on one machine starts N-1
 * more JVMs of the same program) or from outside (torchrun-style variables, SLURM, {@code fulmen-run}): the
 * {@link ClusterEnvironment} says which. Rank 0's initial parameters are broadcast; gradients are averaged over
 * ranks in buckets before each optimizer step; metrics and decisions are reduced through a Gloo
 * {@link Collective}; rank 0 alone writes checkpoints and logs, and the others wait for its checkpoints.
 */
public final class DdpStrategy extends SingleDeviceStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(DdpStrategy.class);

    private final Duration timeout;
    private final GradientBuckets buckets;
    private final Map<String, String> env;
    private final PrintStream out;
    private ClusterEnvironment cluster;
    private RankProcesses launched;
    private Collective collective;
    private NDManager scratch;
    private boolean failed;
    private long synchronisations;
    private long synchronisationNanos;

    /**
     * A strategy whose collectives fail after {@code timeout}, averaging gradients in buckets of
     * {@code bucketBytes}, reading {@code env} for what started this process, forwarding launched ranks' output
     * to {@code out}.
     */
    public DdpStrategy(Duration timeout, long bucketBytes, Map<String, String> env, PrintStream out) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("ddp.timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        this.buckets = new GradientBuckets(bucketBytes);
        this.env = Map.copyOf(env);
        this.out = out;
    }

    @Override
    public String name() {
        return "ddp";
    }

    @Override
    public void setup(StrategyContext context) {
        ClusterEnvironment c = context.clusterEnvironment();
        int devices = context.devices().size();
        int expected = devices * context.numNodes();
        if (c.worldSize() != expected) {
            throw new IllegalArgumentException("ddp: the " + c.name() + " environment runs " + c.worldSize()
                    + " process(es) but the Trainer asks for devices(" + devices + ") x numNodes("
                    + context.numNodes() + ") = " + expected + ": make devices and numNodes match the launch");
        }
        if (c.localRank() >= devices) {
            throw new IllegalArgumentException("ddp: local rank " + c.localRank() + " but only " + devices
                    + " device(s) per node");
        }
        this.cluster = c;
        setup(context, context.devices().get(c.localRank()));
        if (c.createsProcessesExternally()) {
            RankProcesses.exitWithParent(env);
        } else if (devices > 1) {
            launched = launchLocalRanks(c, devices);
            LOG.info("ddp: started {} more rank(s) on this node; {}", devices - 1,
                    IntraOpThreads.apply(threadsPerRank(devices)));
        }
        scratch = NDManager.newBaseManager(Device.cpu());
        collective = guard("joining the process group at " + c.mainAddress() + ":" + c.mainPort(),
                () -> Collectives.connect(Rendezvous.tcp(c.mainAddress(), c.mainPort()), c.globalRank(),
                        c.worldSize(), timeout));
    }

    private RankProcesses launchLocalRanks(ClusterEnvironment c, int devices) {
        int threads = threadsPerRank(devices);
        List<String> command = ChildCommand.ofThisJvm(List.of("-Dai.djl.pytorch.num_threads=" + threads,
                "-Dai.djl.pytorch.num_interop_threads=1"));
        RankProcesses processes = new RankProcesses();
        for (int local = 1; local < devices; local++) {
            int rank = c.nodeRank() * devices + local;
            processes.start(rank, command, Map.of("MASTER_ADDR", c.mainAddress(),
                    "MASTER_PORT", Integer.toString(c.mainPort()), "WORLD_SIZE", Integer.toString(c.worldSize()),
                    "RANK", Integer.toString(rank), "LOCAL_RANK", Integer.toString(local),
                    "NODE_RANK", Integer.toString(c.nodeRank()), "OMP_NUM_THREADS", Integer.toString(threads)), out);
        }
        return processes;
    }

    private static int threadsPerRank(int localRanks) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / localRanks);
    }

    private ClusterEnvironment cluster() {
        if (cluster == null) {
            throw new IllegalStateException("ddp strategy used before setup");
        }
        return cluster;
    }

    @Override
    public int globalRank() {
        return cluster().globalRank();
    }

    @Override
    public int localRank() {
        return cluster().localRank();
    }

    @Override
    public int nodeRank() {
        return cluster().nodeRank();
    }

    @Override
    public int worldSize() {
        return cluster().worldSize();
    }

    @Override
    public void parametersInitialized(List<Parameter> parameters) {
        guard("broadcasting rank 0's initial parameters", () -> {
            for (Parameter p : parameters) {
                if (p.isInitialized()) {
                    collective.broadcast(p.getArray(), 0);
                }
            }
            return null;
        });
    }

    @Override
    public void optimizerStep(OptimizerStep step) {
        super.optimizerStep(new SynchronisingStep(step, parameters -> guard("averaging gradients", () -> {
            long start = System.nanoTime();
            buckets.average(parameters, collective);
            synchronisationNanos += System.nanoTime() - start;
            synchronisations++;
            return null;
        })));
    }

    /** How many times gradients were averaged over ranks so far (once per optimizer step). */
    public long gradientSynchronisations() {
        return synchronisations;
    }

    /** The time spent averaging gradients so far, waiting for the slower ranks included. */
    public Duration gradientSynchronisationTime() {
        return Duration.ofNanos(synchronisationNanos);
    }

    @Override
    public void barrier(String name) {
        guard("barrier '" + name + "'", () -> {
            collective.barrier();
            return null;
        });
    }

    @Override
    public NDArray broadcast(NDArray array, int source) {
        NDArray copy = array.duplicate();
        guard("broadcast from rank " + source, () -> {
            collective.broadcast(copy, source);
            return null;
        });
        return copy;
    }

    @Override
    public NDArray allReduce(NDArray array, ReduceOp op) {
        NDArray copy = array.duplicate();
        guard("all-reduce (" + op + ")", () -> {
            collective.allReduce(copy, op);
            return null;
        });
        return copy;
    }

    @Override
    public NDArray allGather(NDArray array) {
        return guard("all-gather", () -> collective.allGather(array));
    }

    @Override
    public double reduce(double value, ReduceOp op) {
        try (NDManager m = scratch.newSubManager()) {
            NDArray a = m.create(new double[] {value});
            guard("reduce (" + op + ")", () -> {
                collective.allReduce(a, op);
                return null;
            });
            return a.getDouble(0);
        }
    }

    @Override
    public boolean reduceBooleanDecision(boolean decision, boolean all) {
        try (NDManager m = scratch.newSubManager()) {
            NDArray a = m.create(new int[] {decision ? 1 : 0});
            guard("reducing a decision", () -> {
                collective.allReduce(a, ReduceOp.SUM);
                return null;
            });
            int yes = a.getInt(0);
            return all ? yes == worldSize() : yes > 0;
        }
    }

    /** Rank 0 writes; every rank waits until the file is complete, so that no rank reads half a checkpoint. */
    @Override
    public void saveCheckpoint(CheckpointData checkpoint, Path file) {
        super.saveCheckpoint(checkpoint, file);
        if (writesCheckpoints()) {
            checkpointIO().flush();
        }
        barrier("checkpoint " + file.getFileName());
    }

    /**
     * Runs a collective operation; when it fails, says which rank this is, and when this process launched the
     * others, which of them died, and kills the rest.
     */
    private <T> T guard(String what, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            failed = true;
            StringBuilder msg = new StringBuilder("ddp rank ").append(cluster.globalRank()).append(" of ")
                    .append(cluster.worldSize()).append(": ").append(what).append(" failed: ").append(e.getMessage());
            if (launched != null) {
                launched.failed(Duration.ofSeconds(3)).ifPresent(d -> msg.append("; ").append(d));
                launched.destroyAll();
            }
            throw new IllegalStateException(msg.toString(), e);
        }
    }

    /** Leaves the group; the launching process waits for the ranks it started and fails when one failed. */
    @Override
    public void teardown() {
        List<RuntimeException> problems = new ArrayList<>();
        try {
            if (collective != null) {
                collective.close();
                collective = null;
            }
        } catch (RuntimeException e) {
            problems.add(e);
        }
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
        if (launched != null) {
            if (failed) {
                launched.destroyAll();
            }
            Optional<String> problem = launched.awaitAll(timeout);
            launched.close();
            launched = null;
            problem.ifPresent(p -> problems.add(new IllegalStateException("ddp: " + p)));
        }
        super.teardown();
        if (!problems.isEmpty() && !failed) {
            RuntimeException first = problems.get(0);
            problems.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }
}
