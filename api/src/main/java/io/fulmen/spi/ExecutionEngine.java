package io.fulmen.spi;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fulmen.optim.OptimizerKernels;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Optional;

/**
 * One DJL engine as the Trainer runs on it: the name its arrays are created under, whether it can train (and its
 * autograd when it can), and which parts of a model it cannot run. Created by an {@link EngineProvider}; the DJL
 * engine is loaded (natives included) by the time {@link EngineProvider#create} returns.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface ExecutionEngine {
    /** DJL's name of the engine ({@code ai.djl.engine.Engine#getEngineName()}), e.g. {@code "PyTorch"}. */
    String djlName();

    /**
     * A fresh autograd for the calling thread, or empty when the engine cannot compute gradients (it then serves
     * validate, test and predict only; {@link #whyNoTraining()} says why and what to do).
     */
    Optional<Autograd> newAutograd();

    /**
     * Why {@code fit} cannot run on this engine and what to do instead; shown when {@code fit} is asked of it.
     * Empty when it can train.
     */
    default String whyNoTraining() {
        return "";
    }

    /**
     * What in {@code block} (its own type or any child's) this engine cannot run, one line each naming the block
     * and the missing operation; empty when all of it runs. Checked before a loop's first batch so that a run fails
     * before any work instead of in the middle of an epoch.
     */
    default List<String> unsupportedParts(Block block) {
        return List.of();
    }

    /**
     * Runs {@code block} forward on this engine: DJL's own {@code block.forward} by default. An engine whose DJL
     * adapter lacks the operation of some blocks (DJL's TensorFlow engine has no {@code linear}) runs those blocks
     * itself here, with the same parameters.
     *
     * @param block      the block, initialised
     * @param parameters the store its parameters are read from
     * @param inputs     the inputs, on this engine
     * @param training   whether the block runs in training mode
     * @return the block's outputs
     */
    default NDList forward(Block block, ParameterStore parameters, NDList inputs, boolean training) {
        return block.forward(parameters, inputs, training);
    }

    /**
     * Kernels that update many parameters in one call, handed to every optimizer of a run; empty (the default) when
     * the engine has none, and optimizers then update one tensor at a time.
     */
    default Optional<OptimizerKernels> optimizerKernels() {
        return Optional.empty();
    }
}
