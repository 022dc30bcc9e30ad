package io.fulmen.runtime.loop;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;

import java.util.Optional;

/**
 * The innermost block inside a failed one that rejects the input shapes it would be given, at {@code path} (child
 * names joined by {@code /}, as in {@code 02SequentialBlock/01Conv2d}). Found as DJL's own initialisation carries
 * shapes, with {@link Block#getOutputShapes}: in order through a {@link SequentialBlock}'s children, the same to
 * each of a {@link ParallelBlock}'s. Any other container decides in its own code what its children see, so the
 * search does not look inside it.
 */
record RejectingChild(String path, Block block, Shape[] inputs) {

    /** The child of {@code block} that rejects its share of {@code inputs}, if one does. */
    static Optional<RejectingChild> find(Block block, Shape[] inputs) {
        return Optional.ofNullable(within(block, inputs, ""));
    }

    private static RejectingChild within(Block container, Shape[] inputs, String prefix) {
        boolean sequential = container.getClass() == SequentialBlock.class;
        if (!sequential && container.getClass() != ParallelBlock.class) {
            return null;
        }
        Shape[] next = inputs;
        for (Pair<String, Block> child : container.getChildren()) {
            String path = prefix + child.getKey();
            Shape[] outputs;
            try {
                outputs = child.getValue().getOutputShapes(next);
            } catch (EngineException e) {
                // A function block computes its shapes on the engine: the engine failing there (out of memory, a
                // lost device) says nothing about the shapes, so no child can be blamed.
                return null;
            } catch (RuntimeException e) {
                RejectingChild inner = within(child.getValue(), next, path + "/");
                return inner != null ? inner : new RejectingChild(path, child.getValue(), next);
            }
            if (sequential) {
                next = outputs;
            }
        }
        return null;
    }

    /** The block's class, or for a function block the name DJL gave it, if any. */
    String type() {
        if (block instanceof LambdaBlock function && !LambdaBlock.DEFAULT_NAME.equals(function.getName())) {
            return function.getName();
        }
        return block.getClass().getSimpleName();
    }
}
