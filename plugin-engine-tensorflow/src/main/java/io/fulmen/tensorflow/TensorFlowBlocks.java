package io.fulmen.tensorflow;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Runs on TensorFlow the blocks whose operation DJL's TensorFlow engine lacks, with the block's own parameters:
 * {@link Linear} as one fused TensorFlow operation ({@link LinearOp}), else a matrix product and a sum (DJL's
 * {@code linear} is "Not implemented" there), {@link Dropout} outside
 * training as the identity, and {@link SequentialBlock} child by child so that its children get the same treatment (a
 * Linear followed by DJL's ReLU block runs both as one operation).
 * Every other block runs as DJL runs it; {@link UnsupportedBlocks} names, before a loop starts, those that cannot.
 */
final class TensorFlowBlocks {
    /**
     * For the layers {@link LinearOp}'s oneDNN kernel does not run (it reads W as stored): each Linear's transposed
     * weight, made once per call rather than once per batch (a transpose is a whole
     * TensorFlow operation, as costly as the layer's own product at small sizes). Kept in the call's memory (the
     * manager the batches come from), dropped when a new call starts: the weights cannot change while an inference
     * call runs, but may between calls (a checkpoint restored in place).
     */
    private final Map<NDArray, NDArray> transposed = new IdentityHashMap<>();
    private NDManager cacheCall;
    private final LinearOp fused = new LinearOp();

    NDList forward(Block block, ParameterStore parameters, NDList inputs, boolean training) {
        if (block instanceof SequentialBlock sequential) {
            NDList current = inputs;
            BlockList children = sequential.getChildren();
            for (int i = 0; i < children.size(); i++) {
                Block child = children.valueAt(i);
                if (child instanceof Linear && i + 1 < children.size() && isRelu(children.valueAt(i + 1))) {
                    current = new NDList(linear(child, parameters, current.singletonOrThrow(), training, true));
                    i++; // the ReLU ran with the Linear
                } else {
                    current = forward(child, parameters, current, training);
                }
            }
            return current;
        }
        if (block instanceof Linear) {
            return new NDList(linear(block, parameters, inputs.singletonOrThrow(), training, false));
        }
        if (block instanceof Dropout && !training) {
            return inputs;
        }
        return block.forward(parameters, inputs, training);
    }

    /** DJL's {@code Activation.reluBlock()}: a lambda block named "ReLU", which applies relu to its one array. */
    private static boolean isRelu(Block block) {
        return block instanceof LambdaBlock lambda && "ReLU".equals(lambda.getName());
    }

    /**
     * y = x W^T + b over the last axis of x, whatever the leading axes (as DJL's and PyTorch's linear), then
     * relu(y) if asked.
     */
    private NDArray linear(Block block, ParameterStore parameters, NDArray x, boolean training, boolean relu) {
        ParameterList own = block.getDirectParameters();
        // the manager's device, not x.getDevice(): the same device, without asking TensorFlow for each new array
        Device device = x.getManager().getDevice();
        NDArray weight = parameters.getValue(own.get("weight"), device, training);
        NDArray bias = own.contains("bias") ? parameters.getValue(own.get("bias"), device, training) : null;
        Shape shape = x.getShape();
        long in = shape.get(shape.dimension() - 1);
        NDArray flat = shape.dimension() == 2 ? x : x.reshape(-1, in);
        NDArray y = bias == null ? null
                : fused.apply(flat, weight, bias, relu, () -> transposedWeight(weight, x.getManager()));
        if (y == null) {
            y = flat.matMul(transposedWeight(weight, x.getManager()));
            if (bias != null) {
                y = y.add(bias);
            }
            if (relu) {
                y = y.getNDArrayInternal().relu();
            }
        }
        if (shape.dimension() != 2) {
            long[] out = shape.getShape().clone();
            out[out.length - 1] = weight.getShape().get(0);
            y = y.reshape(out);
        }
        return y;
    }

    private NDArray transposedWeight(NDArray weight, NDManager inputs) {
        NDManager call = callManager(inputs);
        if (call == null) {
            return weight.transpose(); // arrays made outside any call's memory: nothing bounds a cache's life
        }
        if (call != cacheCall) {
            transposed.clear();
            cacheCall = call;
        }
        return transposed.computeIfAbsent(weight, w -> {
            NDArray t = w.transpose();
            t.attach(call);
            return t;
        });
    }

    /** The base manager above {@code m} (a direct child of the engine's system manager), or null. */
    private static NDManager callManager(NDManager m) {
        NDManager current = m;
        while (current.getParentManager() != null && current.getParentManager().getParentManager() != null) {
            current = current.getParentManager();
        }
        return current.getParentManager() == null ? null : current;
    }
}
