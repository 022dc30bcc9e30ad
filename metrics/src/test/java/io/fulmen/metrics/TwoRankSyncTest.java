package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import io.fulmen.MetricSync;
import io.fulmen.spi.ReduceOp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two ranks, each updated with half the samples, synchronised through a fake collective (two threads meeting at a
 * barrier): afterwards each computes the value of all the samples, which sklearn gave.
 */
class TwoRankSyncTest {
    @Test
    void statesReducedOverTwoRanksComputeTheWholeDataSet() throws Exception {
        JsonObject g = SklearnTable.load().group("multiclass");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray preds = SklearnTable.array(manager, g, "preds");
            NDArray target = SklearnTable.array(manager, g, "target");
            FakeCollective collective = new FakeCollective();
            List<CompletableFuture<List<Double>>> ranks = new ArrayList<>();
            for (int rank = 0; rank < 2; rank++) {
                NDIndex half = new NDIndex(rank == 0 ? ":40" : "40:");
                NDArray p = preds.get(half);
                NDArray t = target.get(half);
                MetricSync sync = collective.rank(rank);
                ranks.add(CompletableFuture.supplyAsync(() -> computeAfterSync(p, t, sync)));
            }
            List<Double> expected = List.of(g.get("accuracy_macro").getAsDouble(),
                    g.get("f1_weighted").getAsDouble(), g.get("auroc_macro").getAsDouble(), 103.0,
                    target.toType(DataType.FLOAT64, false).max().getDouble(),
                    target.toType(DataType.FLOAT64, false).min().getDouble());
            for (CompletableFuture<List<Double>> rank : ranks) {
                List<Double> got = rank.get(30, TimeUnit.SECONDS);
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i), got.get(i), 1e-12, "metric " + i);
                }
            }
        }
    }

    @Test
    void catGathersInRankOrderAndOneProcessChangesNothing() throws Exception {
        FakeCollective collective = new FakeCollective();
        CatMetric[] cats = {new CatMetric(), new CatMetric()};
        cats[0].update(1);
        cats[0].update(2);
        cats[1].update(3);
        CompletableFuture<?> a = CompletableFuture.runAsync(() -> cats[1].sync(collective.rank(1)));
        cats[0].sync(collective.rank(0));
        a.get(30, TimeUnit.SECONDS);
        assertArrayEquals(new double[] {1, 2, 3}, cats[0].compute());
        assertArrayEquals(new double[] {1, 2, 3}, cats[1].compute());

        MaxMetric alone = new MaxMetric();
        alone.update(4);
        alone.sync(new MetricSync() {
            @Override
            public int worldSize() {
                return 1;
            }

            @Override
            public double[] allReduce(double[] values, ReduceOp op) {
                throw new AssertionError("no collective with one process");
            }

            @Override
            public List<double[]> allGather(double[] values) {
                throw new AssertionError("no collective with one process");
            }
        });
        assertEquals(4, alone.compute());
    }

    private static List<Double> computeAfterSync(NDArray preds, NDArray target, MetricSync sync) {
        PredictionMetric accuracy = Accuracy.multiclass(4, Average.MACRO, 1);
        PredictionMetric f1 = F1Score.multiclass(4, Average.WEIGHTED);
        PredictionMetric auroc = Auroc.multiclass(4);
        SumMetric count = new SumMetric();
        MaxMetric max = new MaxMetric();
        MinMetric min = new MinMetric();
        SklearnTable.inBatches(preds, target, (p, t) -> {
            accuracy.forward(p, t);
            f1.update(p, t);
            auroc.update(p, t);
            count.update(t.getShape().get(0));
            max.update(t);
            min.update(t);
        });
        List<ScalarMetric> metrics = List.of(accuracy, f1, auroc, count, max, min);
        List<Double> values = new ArrayList<>();
        for (ScalarMetric m : metrics) {
            m.sync(sync);
            values.add(m.compute());
        }
        return values;
    }

    /** Two ranks exchanging arrays at a barrier, as a collective does. */
    private static final class FakeCollective {
        private final CyclicBarrier barrier = new CyclicBarrier(2);
        private final double[][] slots = new double[2][];

        MetricSync rank(int rank) {
            return new MetricSync() {
                @Override
                public int worldSize() {
                    return 2;
                }

                @Override
                public double[] allReduce(double[] values, ReduceOp op) {
                    List<double[]> both = exchange(rank, values);
                    double[] out = new double[values.length];
                    for (int i = 0; i < out.length; i++) {
                        double a = both.get(0)[i];
                        double b = both.get(1)[i];
                        out[i] = switch (op) {
                            case SUM -> a + b;
                            case MAX -> Math.max(a, b);
                            case MIN -> Math.min(a, b);
                            case MEAN -> (a + b) / 2;
                        };
                    }
                    return out;
                }

                @Override
                public List<double[]> allGather(double[] values) {
                    return exchange(rank, values);
                }
            };
        }

        private List<double[]> exchange(int rank, double[] values) {
            try {
                slots[rank] = values.clone();
                barrier.await(10, TimeUnit.SECONDS);
                List<double[]> both = List.of(slots[0].clone(), slots[1].clone());
                barrier.await(10, TimeUnit.SECONDS);
                return both;
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
