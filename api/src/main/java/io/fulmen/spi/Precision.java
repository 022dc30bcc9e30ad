package io.fulmen.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * Numeric precision of a run (Lightning's {@code Precision} plugin): the parameter type, input casting, loss
 * scaling before backward, and the unscale-and-check before the optimizer step, with state for checkpoints.
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
