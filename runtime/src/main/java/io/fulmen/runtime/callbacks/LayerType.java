package io.fulmen.runtime.callbacks;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;

/** What a summary row says a block is: the name DJL gave a function block, else the block's class. */
final class LayerType {
    /** For a function block DJL knows no name of, such as one added from a lambda or a method reference. */
    static final String UNNAMED_FUNCTION = "Lambda";

    private LayerType() {}

    static String of(Block block) {
        if (block instanceof LambdaBlock function) {
            return functionName(function.getName());
        }
        Class<?> type = block.getClass();
        String simple = type.getSimpleName();
        return simple.isEmpty() ? type.getName().substring(type.getName().lastIndexOf('.') + 1) : simple;
    }

    /**
     * DJL names an unnamed function "anonymous", or, through {@code LambdaBlock.singleton}, after the function's
     * class, which for a lambda is a generated one ({@code Model$$Lambda/0x...}) that says nothing of what it does.
     */
    private static String functionName(String name) {
        if (name == null || name.isBlank() || name.equals(LambdaBlock.DEFAULT_NAME) || name.contains("$$Lambda")
                || name.contains("/")) {
            return UNNAMED_FUNCTION;
        }
        return name;
    }
}
