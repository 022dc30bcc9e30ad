package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.fulmen.spi.Precision;

import java.util.List;
import java.util.Map;

/** A precision from a plugin bundle, every call run with the bundle's class loader as the context class loader. */
final class InBundlePrecision implements Precision {
    private final Precision delegate;
    private final ClassLoader loader;

    InBundlePrecision(Precision delegate, ClassLoader loader) {
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
    public DataType parameterType() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.parameterType();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public NDList convertInput(NDList inputs) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.convertInput(inputs);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public NDArray forwardParameter(Parameter parameter, NDArray value, NDManager manager) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.forwardParameter(parameter, value, manager);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public NDList convertOutput(NDList outputs) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.convertOutput(outputs);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public NDArray preBackward(NDArray loss) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.preBackward(loss);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public boolean beforeOptimizerStep(List<Parameter> parameters) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.beforeOptimizerStep(parameters);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void afterOptimizerStep(boolean stepped) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.afterOptimizerStep(stepped);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Map<String, Object> stateDict() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.stateDict();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.loadStateDict(state);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
