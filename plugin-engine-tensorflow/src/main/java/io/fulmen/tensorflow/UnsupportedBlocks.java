package io.fulmen.tensorflow;

import ai.djl.nn.Block;

import java.util.ArrayList;
import java.util.List;

/** Blocks that DJL's TensorFlow engine cannot run, found by walking a model's tree before a loop starts. */
final class UnsupportedBlocks {
    private UnsupportedBlocks() {}

    static List<String> find(Block block) {
        List<String> found = new ArrayList<>();
        walk(block, "model", found);
        return found;
    }

    private static void walk(Block block, String path, List<String> found) {
        String missing = missingOperation(block);
        if (missing != null) {
            found.add(path + " (" + block.getClass().getSimpleName() + ") needs " + missing);
        }
        block.getChildren().forEach(child -> walk(child.getValue(), path + "/" + child.getKey(), found));
    }

    /** The operation DJL's TensorFlow engine lacks for this kind of block, or null. */
    private static String missingOperation(Block block) {
        return null;
    }
}
