package io.fulmen.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.spi.Autograd;
import io.fulmen.spi.CheckpointData;
import io.fulmen.spi.OptimizerStep;
import io.fulmen.spi.ReduceOp;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A strategy from a plugin bundle, every call run with the bundle's class loader as the context class loader. */
final class InBundleStrategy implements Strategy {
    private final Strategy delegate;
    private final ClassLoader loader;

    InBundleStrategy(Strategy delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    @Override
    public String name() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.name();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void parametersInitialized(List<Parameter> parameters) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.parametersInitialized(parameters);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void setup(StrategyContext context) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.setup(context);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Device rootDevice() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.rootDevice();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public int globalRank() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.globalRank();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public int localRank() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.localRank();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public int nodeRank() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.nodeRank();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public int worldSize() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.worldSize();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public boolean isGlobalZero() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.isGlobalZero();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void barrier(String name) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.barrier(name);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public NDArray broadcast(NDArray array, int source) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.broadcast(array, source);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public NDArray allReduce(NDArray array, ReduceOp op) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.allReduce(array, op);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public NDArray allGather(NDArray array) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.allGather(array);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public double reduce(double value, ReduceOp op) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.reduce(value, op);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public boolean reduceBooleanDecision(boolean decision, boolean all) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.reduceBooleanDecision(decision, all);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Batch batchToDevice(Batch batch, LightningModule module, int dataloaderIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.batchToDevice(batch, module, dataloaderIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void backward(NDArray loss, Autograd autograd, List<Parameter> parameters) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.backward(loss, autograd, parameters);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void optimizerStep(OptimizerStep step) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.optimizerStep(step);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void saveCheckpoint(CheckpointData checkpoint, Path file) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.saveCheckpoint(checkpoint, file);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public CheckpointData loadCheckpoint(Path file, NDManager manager) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.loadCheckpoint(file, manager);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public CheckpointData loadCheckpoint(Path file, NDManager manager, Map<String, NDArray> into) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.loadCheckpoint(file, manager, into);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void removeCheckpoint(Path file) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.removeCheckpoint(file);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void flushCheckpoints() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.flushCheckpoints();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public boolean writesCheckpoints() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.writesCheckpoints();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public boolean writesLogs() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.writesLogs();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void teardown() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.teardown();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
