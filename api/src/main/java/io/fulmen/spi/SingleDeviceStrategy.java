package io.fulmen.spi;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One process on one device (Lightning's {@code SingleDeviceStrategy}), and the base for strategies of one's own:
 * extend it and override what changes (wrap {@link #backward} to synchronise gradients, {@link #optimizerStep}
 * to step differently, {@link #setup} to pick the device of a rank), calling {@code super} for the rest.
 * Collectives are identities.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public class SingleDeviceStrategy implements Strategy {
    private StrategyContext context;
    private Device device;

    @Override
    public String name() {
        return "single_device";
    }

    /** Checks for exactly one device of one node and prepares it. */
    @Override
    public void setup(StrategyContext context) {
        if (context.devices().size() != 1 || context.numNodes() != 1) {
            throw new IllegalArgumentException(name() + " trains on exactly one device of one node, got "
                    + context.devices().size() + " device(s) on " + context.numNodes()
                    + " node(s): choose devices(1), or a data-parallel strategy");
        }
        setup(context, context.devices().get(0));
    }

    /**
     * Keeps {@code context} and prepares {@code device} as this process's root device, without the one-device
     * check: for a data-parallel subclass whose process trains on one of several devices.
     */
    protected final void setup(StrategyContext context, Device device) {
        this.context = context;
        this.device = device;
        context.accelerator().setupDevice(device);
    }

    /** What this strategy was set up with; fails before {@link #setup}. */
    protected final StrategyContext context() {
        if (context == null) {
            throw new IllegalStateException(name() + " strategy used before setup");
        }
        return context;
    }

    /** The precision this strategy composes. */
    protected final Precision precision() {
        return context().precision();
    }

    /** The checkpoint I/O this strategy composes. */
    protected final CheckpointIO checkpointIO() {
        return context().checkpointIO();
    }

    @Override
    public Device rootDevice() {
        if (device == null) {
            throw new IllegalStateException(name() + " strategy used before setup");
        }
        return device;
    }

    @Override
    public Batch batchToDevice(Batch batch, LightningModule module, int dataloaderIdx) {
        Batch b = module.onBeforeBatchTransfer(batch, dataloaderIdx);
        b = module.transferBatchToDevice(b, rootDevice(), dataloaderIdx);
        return module.onAfterBatchTransfer(b, dataloaderIdx);
    }

    @Override
    public void backward(NDArray loss, Autograd autograd, List<Parameter> parameters) {
        if (autograd == null) {
            throw new IllegalStateException("this engine cannot compute gradients: train with engine(\"PyTorch\")");
        }
        autograd.backward(precision().preBackward(loss));
    }

    @Override
    public void optimizerStep(OptimizerStep step) {
        if (!step.runClosure()) {
            return;
        }
        Precision precision = precision();
        boolean finite = precision.beforeOptimizerStep(step.parameters());
        step.beforeOptimizerStep();
        if (finite) {
            step.clipGradients();
            step.update();
        }
        precision.afterOptimizerStep(finite);
    }

    @Override
    public void saveCheckpoint(CheckpointData checkpoint, Path file) {
        if (writesCheckpoints()) {
            checkpointIO().save(checkpoint, file);
        }
    }

    @Override
    public CheckpointData loadCheckpoint(Path file, NDManager manager) {
        return checkpointIO().load(file, manager);
    }

    @Override
    public CheckpointData loadCheckpoint(Path file, NDManager manager, Map<String, NDArray> into) {
        return checkpointIO().load(file, manager, into);
    }

    @Override
    public void removeCheckpoint(Path file) {
        if (writesCheckpoints()) {
            checkpointIO().remove(file);
        }
    }

    @Override
    public void flushCheckpoints() {
        checkpointIO().flush();
    }

    @Override
    public void teardown() {
        if (context != null) {
            checkpointIO().teardown();
        }
    }
}
