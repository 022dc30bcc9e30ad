package io.fulmen.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fulmen.ddp.collective.Collective;
import io.fulmen.ddp.collective.Collectives;
import io.fulmen.ddp.collective.Rendezvous;
import io.fulmen.spi.ReduceOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Fulmen side of {@code benchmarks/run ddp}, one rank per JVM, mirroring gloo_allreduce.cpp call for call:
 * {@code DdpAllReduceRank DIR RANK SIZE COUNT WARMUP ITERATIONS}; prints {@code median_ms <ms> min_ms <ms>}. Each iteration:
 * a barrier, then one timed {@link Collective#allReduce} (SUM) of a COUNT-element float32 PyTorch tensor in place.
 */
public final class DdpAllReduceRank {
    private DdpAllReduceRank() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int rank = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        long count = Long.parseLong(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int iterations = Integer.parseInt(args[5]);
        try (NDManager manager = NDManager.newBaseManager();
                Collective collective = Collectives.connect(Rendezvous.sharedDirectory(dir), rank, size,
                        Duration.ofSeconds(120))) {
            NDArray data = manager.full(new Shape(count), 1f / size);
            double[] times = new double[iterations];
            for (int i = 0; i < warmup + iterations; i++) {
                collective.barrier();
                long start = System.nanoTime();
                collective.allReduce(data, ReduceOp.SUM);
                double ms = (System.nanoTime() - start) / 1e6;
                if (i >= warmup) {
                    times[i - warmup] = ms;
                }
            }
            Arrays.sort(times);
            System.out.printf(Locale.ROOT, "median_ms %.3f min_ms %.3f%n", times[times.length / 2], times[0]);
        }
    }
}
