package io.fulmen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import org.apiguardian.api.API;

import java.util.List;

/**
 * The Trainer's side of a {@link LightningModule} while it is attached to a Trainer. Implemented by the runtime;
 * user code never calls it directly, it calls the module's own methods ({@code forward}, {@code log},
 * {@code optimizers}, {@code manualBackward}).
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public interface ModuleContext {
    /** Runs {@code block} on {@code inputs}, initialising its parameters from the input shapes on first use. */
    NDList runBlock(Block block, NDList inputs, boolean training);

    void log(String name, NDArray value, LogOptions options);

    void log(String name, double value, LogOptions options);

    /** Records a stateful metric: its batch value on step, its computed value on epoch (then reset). */
    void log(String name, Metric metric, LogOptions options);

    List<LightningOptimizer> optimizers();

    void manualBackward(NDArray loss);

    TrainerView trainer();

    /**
     * The module is being closed from another thread: cancel the call it is attached to and wait until that call
     * has ended, so that no running step uses memory about to be freed; refused from the call's own thread.
     */
    void cancelRunAndAwait();
}
