package io.fulmen.ddp.collective;

import ai.djl.ndarray.NDArray;
import io.fulmen.spi.ReduceOp;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Collective operations among the ranks of one process group: every rank of the group calls the same operations in
 * the same order, with arrays of the same shape and data type.
 *
 * <p>One instance per process (rank); the calls of one instance must not run concurrently. Every operation has the
 * timeout given to {@link Collectives#connect}: a peer that died or hangs makes the call fail with a
 * {@link CollectiveException} that names the operation and, where known, the peer rank, never a hang.
 *
 * <p>Supported data types: {@code FLOAT32}, {@code FLOAT64}, {@code INT32} and {@code INT64}; arrays live on the CPU.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface Collective extends AutoCloseable {

    /** @return this process's rank, {@code 0 <= rank < worldSize} */
    int rank();

    /** @return the number of ranks in the group */
    int worldSize();

    /**
     * Reduces {@code array} across all ranks and leaves the result in it on every rank, in place on the array's
     * own memory. {@link ReduceOp#MEAN} on integer arrays divides with truncation toward zero.
     *
     * @param array the array to reduce; the same shape and data type on every rank
     * @param op the reduction
     * @throws CollectiveException when a peer fails or the timeout passes
     */
    void allReduce(NDArray array, ReduceOp op);

    /**
     * Reduces a bucket of arrays in one collective call (cheaper than one call per array), each in place.
     *
     * @param arrays the arrays, all of one data type; the same shapes in the same order on every rank
     * @param op the reduction
     * @throws CollectiveException when a peer fails or the timeout passes
     */
    void allReduce(List<NDArray> arrays, ReduceOp op);

    /**
     * Copies {@code array} of rank {@code root} into {@code array} of every other rank, in place.
     *
     * @param array the array to send (on {@code root}) or to overwrite (elsewhere)
     * @param root the rank whose values everybody receives
     * @throws CollectiveException when a peer fails or the timeout passes
     */
    void broadcast(NDArray array, int root);

    /**
     * Gathers {@code array} from every rank.
     *
     * @param array this rank's contribution; the same shape and data type on every rank
     * @return a new array on {@code array}'s manager of shape {@code (worldSize, ...array.shape)}: row {@code r}
     *     holds rank {@code r}'s array
     * @throws CollectiveException when a peer fails or the timeout passes
     */
    NDArray allGather(NDArray array);

    /**
     * Waits until every rank has called {@code barrier}.
     *
     * @throws CollectiveException when a peer fails or the timeout passes
     */
    void barrier();

    /** Leaves the group and frees its connections; further calls fail. */
    @Override
    void close();
}
