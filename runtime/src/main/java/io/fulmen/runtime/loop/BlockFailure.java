package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.fulmen.BlockExecutionException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Turns an engine error inside a block into one that names the block, where it ran and its input shapes. */
final class BlockFailure {
    private BlockFailure() {}

    /**
     * {@code e} with context when it comes from DJL or its engine, whose messages say nothing of where they
     * happened; errors of Fulmen's own (which name their subject) and of user code pass unchanged.
     */
    static RuntimeException withContext(RuntimeException e, Block block, NDList inputs, String where) {
        StackTraceElement[] trace = e.getStackTrace();
        boolean fromDjl = trace.length > 0 && trace[0].getClassName().startsWith("ai.djl.");
        if (!fromDjl || e instanceof BlockExecutionException || e instanceof TrainingCancelledException) {
            return e;
        }
        String shapes = Arrays.stream(inputs.getShapes()).map(Shape::toString).collect(Collectors.joining(", "));
        return new BlockExecutionException(block.getClass().getSimpleName() + " failed " + where + " on inputs of "
                + "shapes [" + shapes + "]: " + e.getMessage(), e);
    }
}
