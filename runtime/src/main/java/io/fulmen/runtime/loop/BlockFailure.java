package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.fulmen.BlockExecutionException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Turns an engine error inside a block into one that names the block, where it ran and its input shapes, and the
 * nested block that rejects the shapes it gets, when the shapes alone tell which.
 */
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
        Shape[] shapes = inputs.getShapes();
        String nested = RejectingChild.find(block, shapes)
                .map(c -> "at " + c.path() + " (" + c.type() + "), which rejects inputs of shapes ["
                        + list(c.inputs()) + "]: ")
                .orElse("");
        return new BlockExecutionException(block.getClass().getSimpleName() + " failed " + where + " on inputs of "
                + "shapes [" + list(shapes) + "]: " + nested + e.getMessage(), e);
    }

    private static String list(Shape[] shapes) {
        return Arrays.stream(shapes).map(Shape::toString).collect(Collectors.joining(", "));
    }
}
