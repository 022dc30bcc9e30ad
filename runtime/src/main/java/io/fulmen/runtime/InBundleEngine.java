package io.fulmen.runtime;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fulmen.spi.Autograd;
import io.fulmen.spi.ExecutionEngine;

import java.util.List;
import java.util.Optional;

/** An engine from a plugin bundle, every call run with the bundle's class loader as the context class loader. */
final class InBundleEngine implements ExecutionEngine {
    private final ExecutionEngine delegate;
    private final ClassLoader loader;

    InBundleEngine(ExecutionEngine delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    @Override
    public String djlName() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.djlName();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Optional<Autograd> newAutograd() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.newAutograd();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public String whyNoTraining() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.whyNoTraining();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public List<String> unsupportedParts(Block block) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.unsupportedParts(block);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public NDList forward(Block block, ParameterStore parameters, NDList inputs, boolean training) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.forward(block, parameters, inputs, training);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
