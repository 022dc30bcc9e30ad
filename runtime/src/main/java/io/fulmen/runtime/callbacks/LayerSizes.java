package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A summary row's {@code In sizes} and {@code Out sizes} as Lightning prints them ({@code [64, 1, 28, 28]}, a list of
 * those for several arrays, {@code ?} when unknown).
 */
record LayerSizes(String in, String out) {
    /** Lightning's mark for a size it does not know. */
    static final String UNKNOWN = "?";

    /**
     * The sizes of the summary's rows (the children of {@code block}, or {@code block} itself when it has none), or
     * empty when {@code block} is not initialised. DJL keeps the shapes it initialised a block with, which the
     * runtime takes from the first inputs it runs the block on; they are carried through the children of a
     * {@link SequentialBlock} or {@link ParallelBlock} with {@link Block#getOutputShapes}. The children of any other
     * container may see anything, so their sizes are unknown.
     */
    static Optional<List<LayerSizes>> ofRows(Block block) {
        Shape[] inputs = initialInputs(block);
        if (inputs == null) {
            return Optional.empty();
        }
        List<Block> children = block.getChildren().values();
        if (children.isEmpty()) {
            return Optional.of(List.of(new LayerSizes(format(inputs), format(outputs(block, inputs)))));
        }
        List<LayerSizes> rows = new ArrayList<>(children.size());
        if (block.getClass() == SequentialBlock.class) {
            Shape[] next = inputs;
            for (Block child : children) {
                Shape[] out = next == null ? null : outputs(child, next);
                rows.add(new LayerSizes(format(next), format(out)));
                next = out;
            }
        } else if (block.getClass() == ParallelBlock.class) {
            for (Block child : children) {
                rows.add(new LayerSizes(format(inputs), format(outputs(child, inputs))));
            }
        } else {
            children.forEach(child -> rows.add(new LayerSizes(UNKNOWN, UNKNOWN)));
        }
        return Optional.of(rows);
    }

    /** {@code null} when unknown; a block that implements {@link Block} itself may not keep its input shapes. */
    private static Shape[] initialInputs(Block block) {
        try {
            return block.isInitialized() ? block.getInputShapes() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code null} when unknown: a block that cannot tell its output shapes leaves a {@code ?}, not a failure. */
    private static Shape[] outputs(Block block, Shape[] inputs) {
        try {
            return block.getOutputShapes(inputs);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String format(Shape[] shapes) {
        if (shapes == null || shapes.length == 0) {
            return UNKNOWN;
        }
        if (shapes.length == 1) {
            return dimensions(shapes[0]);
        }
        return Arrays.stream(shapes).map(LayerSizes::dimensions).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String dimensions(Shape shape) {
        return Arrays.stream(shape.getShape()).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
