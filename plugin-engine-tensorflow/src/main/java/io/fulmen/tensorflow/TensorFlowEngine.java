package io.fulmen.tensorflow;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fulmen.spi.Autograd;
import io.fulmen.spi.ExecutionEngine;

import java.util.List;
import java.util.Optional;

/** DJL's TensorFlow engine: inference only, since DJL computes no gradients on it. */
final class TensorFlowEngine implements ExecutionEngine {
    private final TensorFlowBlocks blocks = new TensorFlowBlocks();

    @Override
    public String djlName() {
        return TensorFlowEngineProvider.NAME;
    }

    @Override
    public Optional<Autograd> newAutograd() {
        return Optional.empty();
    }

    @Override
    public String whyNoTraining() {
        return "DJL's TensorFlow engine computes no gradients (\"TensorFlow does not support training yet\"). Train "
                + "with engine(\"PyTorch\") (the default), then validate, test or predict the same module here with "
                + "its checkpoint (ckptPath) or its weights. To fine-tune a TensorFlow SavedModel, wrap it in "
                + "io.fulmen.tensorflow.finetune.FineTunedSavedModel and fit it on the default engine: TensorFlow's "
                + "graph gradients then train its variables";
    }

    @Override
    public List<String> unsupportedParts(Block block) {
        return UnsupportedBlocks.find(block);
    }

    @Override
    public NDList forward(Block block, ParameterStore parameters, NDList inputs, boolean training) {
        return blocks.forward(block, parameters, inputs, training);
    }

    @Override
    public String toString() {
        return djlName();
    }
}
