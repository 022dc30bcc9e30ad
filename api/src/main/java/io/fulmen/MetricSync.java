package io.fulmen;

import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

import java.util.List;

/**
 * The collectives a {@link Metric} reduces its states with, backed by the Trainer's strategy. Every process calls
 * the same methods in the same order, as with any collective.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface MetricSync {
    /** The number of processes; 1 when nothing is to be reduced. */
    int worldSize();

    /** The element-wise reduction of {@code values} over every process; every process passes the same length. */
    double[] allReduce(double[] values, ReduceOp op);

    /** The values of every process in rank order; lengths may differ between processes. */
    List<double[]> allGather(double[] values);
}
