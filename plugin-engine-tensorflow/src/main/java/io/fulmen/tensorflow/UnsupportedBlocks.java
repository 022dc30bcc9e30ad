package io.fulmen.tensorflow;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.convolutional.Deconvolution;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.core.Prelu;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.recurrent.RecurrentBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * Blocks of a model that cannot run on DJL's TensorFlow engine, found by walking the model's tree before a loop
 * starts, each named with its path and the operation DJL's adapter lacks ({@code TfNDArrayEx} answers "Not
 * implemented" for convolution, batch and layer norm, embedding, PReLU and the recurrent layers). {@link Linear} and
 * {@link Dropout} run through {@link TensorFlowBlocks}, but only where it reaches them: the model itself and the
 * children of {@link SequentialBlock}s; inside any other block DJL runs them, and fails.
 *
 * <p>Functions inside lambda blocks (activations, pooling) cannot be seen: of those, ReLU, sigmoid, tanh, softsign
 * and SELU run, while GELU, ELU, leaky ReLU, softplus and pooling fail on their first batch, naming the block.
 */
final class UnsupportedBlocks {
    private UnsupportedBlocks() {}

    static List<String> find(Block block) {
        List<String> found = new ArrayList<>();
        walk(block, "model", true, found);
        return found;
    }

    private static void walk(Block block, String path, boolean reachable, List<String> found) {
        String missing = missingOperation(block, reachable);
        if (missing != null) {
            found.add(path + " (" + block.getClass().getSimpleName() + ") needs " + missing);
        }
        boolean childrenReachable = reachable && block instanceof SequentialBlock;
        block.getChildren().forEach(child -> walk(child.getValue(), path + "/" + child.getKey(), childrenReachable,
                found));
    }

    /** The operation DJL's TensorFlow engine lacks for this block here, or null. */
    private static String missingOperation(Block block, boolean reachable) {
        if (block instanceof Convolution) {
            return "convolution";
        } else if (block instanceof Deconvolution) {
            return "deconvolution";
        } else if (block instanceof BatchNorm) {
            return "batchNorm";
        } else if (block instanceof LayerNorm) {
            return "layerNorm";
        } else if (block instanceof Embedding<?>) {
            return "embedding";
        } else if (block instanceof Prelu) {
            return "prelu";
        } else if (block instanceof RecurrentBlock) {
            return "rnn/lstm/gru";
        } else if (!reachable && block instanceof Linear) {
            return "linear (run by Fulmen only directly in the model or a SequentialBlock, not inside a "
                    + "custom block)";
        } else if (!reachable && block instanceof Dropout) {
            return "dropout (skipped by Fulmen only directly in the model or a SequentialBlock)";
        }
        return null;
    }
}
