package io.fulmen.runtime.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fulmen.MetricSync;
import io.fulmen.spi.ReduceOp;
import io.fulmen.spi.Strategy;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Metric states reduced through the strategy's collectives. With one process nothing leaves the heap; with several,
 * each call makes small float64 arrays on a sub-manager of the call's manager, freed before it returns.
 */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class StrategyMetricSync implements MetricSync {
    private final Strategy strategy;
    private final NDManager manager;

    /** Reduces through {@code strategy}, with arrays made under {@code manager}. */
    public StrategyMetricSync(Strategy strategy, NDManager manager) {
        this.strategy = strategy;
        this.manager = manager;
    }

    @Override
    public int worldSize() {
        return strategy.worldSize();
    }

    @Override
    public double[] allReduce(double[] values, ReduceOp op) {
        if (worldSize() == 1 || values.length == 0) {
            return values.clone();
        }
        try (NDManager m = manager.newSubManager()) {
            return strategy.allReduce(m.create(values), op).toDoubleArray();
        }
    }

    @Override
    public List<double[]> allGather(double[] values) {
        int ranks = worldSize();
        if (ranks == 1) {
            return List.of(values.clone());
        }
        try (NDManager m = manager.newSubManager()) {
            // Collectives want one shape on every rank: pad to the longest, then cut each rank's part to its length.
            double[] lengths = strategy.allGather(m.create(new double[] {values.length})).toDoubleArray();
            int longest = (int) Arrays.stream(lengths).max().orElse(0);
            List<double[]> parts = new ArrayList<>(ranks);
            if (longest == 0) {
                for (int r = 0; r < ranks; r++) {
                    parts.add(new double[0]);
                }
                return parts;
            }
            NDArray gathered = strategy.allGather(m.create(Arrays.copyOf(values, longest)));
            double[] flat = gathered.toDoubleArray();
            for (int r = 0; r < ranks; r++) {
                parts.add(Arrays.copyOfRange(flat, r * longest, r * longest + (int) lengths[r]));
            }
            return parts;
        }
    }
}
