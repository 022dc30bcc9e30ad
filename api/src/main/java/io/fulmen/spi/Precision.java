package io.fulmen.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * Numeric precision of a run (Lightning's {@code Precision} plugin): the parameter type, input casting, loss
 * scaling before backward, and the unscale-and-check before the optimizer step, with state for checkpoints.
 *
 * <p>The runtime calls, around every block forward: {@link #convertInput} on the inputs, {@link #forwardParameter}
 * for each parameter the block reads, and {@link #convertOutput} on the outputs. Mixed precision uses the three
 * to run a block in a low-precision type while the parameters, their gradients and the loss stay in float32.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface Precision {
    String name();

    /** The type parameters are created in. */
    default DataType parameterType() {
        return DataType.FLOAT32;
    }

    /** Casts a block's inputs before forward. */
    default NDList convertInput(NDList inputs) {
        return inputs;
    }

    /**
     * The array a block's forward computes with for {@code parameter}, whose own array is {@code value}: {@code value}
     * itself (the default), or a differentiable copy of it (a low-precision working copy whose gradient flows back
     * into {@code value}'s). Arrays it creates must belong to {@code manager}, which lives until the step's backward
     * is done.
     */
    default NDArray forwardParameter(Parameter parameter, NDArray value, NDManager manager) {
        return value;
    }

    /** Casts a block's outputs after forward (mixed precision: back to float32, so losses run in float32). */
    default NDList convertOutput(NDList outputs) {
        return outputs;
    }

    /** The tensor backward runs on (a scaled loss under mixed precision). */
    default NDArray preBackward(NDArray loss) {
        return loss;
    }

    /** Unscales and checks gradients; false skips this optimizer step (inf/NaN found). */
    default boolean beforeOptimizerStep(List<Parameter> parameters) {
        return true;
    }

    /** After the step (or its skip): where a dynamic loss scale is updated. */
    default void afterOptimizerStep(boolean stepped) {}

    default Map<String, Object> stateDict() {
        return Map.of();
    }

    default void loadStateDict(Map<String, Object> state) {}
}
