package io.fulmen.ddp.collective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fulmen.spi.ReduceOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One rank of the multi-process tests, in its own JVM:
 * {@code CollectiveRank RENDEZVOUS RANK WORLD SCENARIO TIMEOUT_MS} where RENDEZVOUS is {@code dir:PATH} or
 * {@code tcp:HOST:PORT}. Prints {@code OK rank=R} after checking every result itself, or {@code FAILED: message}
 * and exits with 3 when a collective throws.
 */
public final class CollectiveRank {

    private CollectiveRank() {
    }

    public static void main(String[] args) throws Exception {
        Rendezvous rendezvous = parse(args[0]);
        int rank = Integer.parseInt(args[1]);
        int world = Integer.parseInt(args[2]);
        String scenario = args[3];
        Duration timeout = Duration.ofMillis(Long.parseLong(args[4]));
        try (NDManager manager = NDManager.newBaseManager();
                Collective collective = Collectives.connect(rendezvous, rank, world, timeout)) {
            check(collective.rank() == rank && collective.worldSize() == world, "rank and world size");
            System.out.println("CONNECTED rank=" + rank);
            switch (scenario) {
                case "all" -> everyOperation(collective, manager);
                case "victim" -> {
                    // Joins, then never reaches the all-reduce the others wait in: the test kills or leaves it.
                    System.out.println("WAITING rank=" + rank);
                    Thread.sleep(600_000);
                }
                case "survivor" -> {
                    System.out.println("ENTERING all-reduce rank=" + rank);
                    collective.allReduce(manager.ones(new Shape(1000)), ReduceOp.SUM);
                    throw new AssertionError("the all-reduce returned although a peer never joined it");
                }
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
            System.out.println("OK rank=" + rank);
        } catch (CollectiveException e) {
            System.out.println("FAILED: " + e.getMessage());
            System.exit(3);
        }
    }

    private static Rendezvous parse(String spec) {
        if (spec.startsWith("dir:")) {
            return Rendezvous.sharedDirectory(Path.of(spec.substring(4)));
        }
        int colon = spec.lastIndexOf(':');
        return Rendezvous.tcp(spec.substring(4, colon), Integer.parseInt(spec.substring(colon + 1)));
    }

    private static void everyOperation(Collective c, NDManager manager) {
        int r = c.rank();
        int n = c.worldSize();
        long sumOfRanks = (long) n * (n - 1) / 2;

        // SUM on float32, in place on the array's own memory.
        NDArray f32 = manager.arange(6f).reshape(2, 3).mul(r + 1);
        c.allReduce(f32, ReduceOp.SUM);
        same(f32.toFloatArray(), manager.arange(6f).mul((float) (sumOfRanks + n)).toFloatArray(), "float32 SUM");

        // MEAN on float64.
        NDArray f64 = manager.create(new double[] {r, 2.5 * r, -1.0});
        c.allReduce(f64, ReduceOp.MEAN);
        double mean = sumOfRanks / (double) n;
        same(f64.toDoubleArray(), new double[] {mean, 2.5 * mean, -1.0}, "float64 MEAN");

        // MAX on int32, MIN on int64, MEAN on int32 (truncated toward zero), SUM on int64.
        NDArray i32 = manager.create(new int[] {r, -r, 7});
        c.allReduce(i32, ReduceOp.MAX);
        same(i32.toIntArray(), new int[] {n - 1, 0, 7}, "int32 MAX");
        NDArray i64 = manager.create(new long[] {r, -r, 1L << 40});
        c.allReduce(i64, ReduceOp.MIN);
        same(i64.toLongArray(), new long[] {0, -(n - 1), 1L << 40}, "int64 MIN");
        NDArray i32mean = manager.create(new int[] {r * 3 + 1});
        c.allReduce(i32mean, ReduceOp.MEAN);
        same(i32mean.toIntArray(), new int[] {(int) ((3 * sumOfRanks + n) / n)}, "int32 MEAN");
        NDArray i64sum = manager.create(new long[] {r + 1L});
        c.allReduce(i64sum, ReduceOp.SUM);
        same(i64sum.toLongArray(), new long[] {sumOfRanks + n}, "int64 SUM");

        // A bucket: small arrays (packed) and a 1.2 MB one (reduced in place), one call.
        NDArray small = manager.full(new Shape(3), r + 1f);
        NDArray scalar = manager.create((float) r);
        NDArray large = manager.full(new Shape(300_000), (float) r);
        c.allReduce(List.of(small, large, scalar), ReduceOp.SUM);
        same(small.toFloatArray(), new float[] {sumOfRanks + n, sumOfRanks + n, sumOfRanks + n}, "bucket small");
        check(scalar.getShape().equals(new Shape()) && scalar.getFloat() == sumOfRanks, "bucket scalar");
        float[] largeValues = large.toFloatArray();
        check(Arrays.stream(box(largeValues)).allMatch(v -> v == sumOfRanks), "bucket large");

        // A non-contiguous view: reduced through a copy, written back into the view, hence into its base.
        NDArray base = manager.arange(6f).reshape(2, 3);
        NDArray view = base.transpose();
        c.allReduce(view, ReduceOp.SUM);
        same(base.toFloatArray(), manager.arange(6f).mul((float) n).toFloatArray(), "transposed view");

        // Broadcast from the last rank.
        NDArray b = manager.create(new double[] {r, r * 10.0});
        c.broadcast(b, n - 1);
        same(b.toDoubleArray(), new double[] {n - 1, (n - 1) * 10.0}, "broadcast");

        // All-gather: a new (n, 2) array, row k from rank k.
        NDArray gathered = c.allGather(manager.create(new long[] {r, 100L * r}));
        check(gathered.getShape().equals(new Shape(n, 2)) && gathered.getDataType() == DataType.INT64,
                "all-gather shape " + gathered.getShape());
        long[] expected = new long[2 * n];
        for (int k = 0; k < n; k++) {
            expected[2 * k] = k;
            expected[2 * k + 1] = 100L * k;
        }
        same(gathered.toLongArray(), expected, "all-gather");

        c.barrier();
    }

    private static Float[] box(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    private static void same(Object actual, Object expected, String what) {
        String a = Arrays.deepToString(new Object[] {actual});
        String e = Arrays.deepToString(new Object[] {expected});
        check(a.equals(e), what + ": expected " + e + " but was " + a);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
