package io.fulmen.runtime.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.LogOptions;
import io.fulmen.Metric;
import io.fulmen.ModuleContext;
import io.fulmen.ParameterOwner;
import io.fulmen.TrainerView;
import io.fulmen.internal.DetachedContexts;
import io.fulmen.internal.ModuleAccess;
import io.fulmen.runtime.engine.Autograds;
import io.fulmen.spi.Autograd;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A module outside any Trainer call (Lightning's {@code model.eval(); model(x)}): {@code forward} runs without
 * gradient recording, in the module's current mode, on the device its parameters live on (the CPU for a module whose
 * parameters are not created yet, such as one from {@code loadFromCheckpoint}, whose saved weights they then take).
 * {@code log} is ignored with one warning, as in Lightning; optimizers and backward need a Trainer.
 */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class DetachedModuleContext implements ModuleContext {
    private static final Logger LOG = LoggerFactory.getLogger(DetachedModuleContext.class);
    private static final String ENGINE = "PyTorch";

    private final LightningModule module;
    private final AtomicBoolean logWarned = new AtomicBoolean();

    private DetachedModuleContext(LightningModule module) {
        this.module = module;
    }

    /** The {@code ServiceLoader} entry the api finds. */
    public static final class Factory implements DetachedContexts {
        @Override
        public ModuleContext create(LightningModule module) {
            return new DetachedModuleContext(module);
        }
    }

    @Override
    public NDList runBlock(Block block, NDList inputs, boolean training) {
        Autograd autograd = Autograds.forEngine(ENGINE);
        boolean previous = autograd.setGradEnabled(false);
        try {
            ParameterMemory memory = memory();
            synchronized (memory) {
                if (!memory.isInitialized(block)) {
                    if (!block.isInitialized()) {
                        block.initialize(memory.manager(), DataType.FLOAT32, inputs.getShapes());
                    }
                    memory.markInitialized(block);
                }
            }
            return block.forward(memory.store(), inputs, training);
        } catch (RuntimeException e) {
            throw BlockFailure.withContext(e, block, inputs, "outside a Trainer");
        } finally {
            autograd.setGradEnabled(previous);
        }
    }

    private ParameterMemory memory() {
        synchronized (module) {
            ParameterOwner owner = ModuleAccess.parameterOwner(module);
            if (owner == null) {
                ParameterMemory created = new ParameterMemory(Device.cpu(), ENGINE);
                ModuleAccess.parameterOwner(module, created);
                return created;
            }
            if (!(owner instanceof ParameterMemory m)) {
                throw new IllegalStateException("the module's parameters are owned by " + owner.getClass().getName()
                        + ", not by a Fulmen runtime");
            }
            return m;
        }
    }

    @Override
    public void log(String name, NDArray value, LogOptions options) {
        warnLog(name);
    }

    @Override
    public void log(String name, double value, LogOptions options) {
        warnLog(name);
    }

    @Override
    public void log(String name, Metric metric, LogOptions options) {
        warnLog(name);
    }

    private void warnLog(String name) {
        if (logWarned.compareAndSet(false, true)) {
            LOG.warn("{}.log(\"{}\") outside a Trainer call is ignored: metrics are logged while a Trainer runs the "
                    + "module", module.getClass().getSimpleName(), name);
        }
    }

    @Override
    public List<LightningOptimizer> optimizers() {
        throw notInTrainer("optimizers()");
    }

    @Override
    public void manualBackward(NDArray loss) {
        throw notInTrainer("manualBackward");
    }

    @Override
    public TrainerView trainer() {
        throw notInTrainer("trainer()");
    }

    @Override
    public void cancelRunAndAwait() {
        // no call to cancel
    }

    private IllegalStateException notInTrainer(String what) {
        return new IllegalStateException(module.getClass().getSimpleName() + " is not attached to a Trainer: "
                + what + " is only available while trainer.fit/validate/test/predict runs the module");
    }
}
