package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fulmen.spi.CheckpointData;
import io.fulmen.spi.CheckpointIO;

import java.nio.file.Path;
import java.util.Map;

/** Checkpoint I/O from a plugin bundle, every call run with the bundle's class loader as the context class loader. */
final class InBundleCheckpointIO implements CheckpointIO {
    private final CheckpointIO delegate;
    private final ClassLoader loader;

    InBundleCheckpointIO(CheckpointIO delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    @Override
    public void save(CheckpointData checkpoint, Path file) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.save(checkpoint, file);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public CheckpointData load(Path file, NDManager manager) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.load(file, manager);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public CheckpointData load(Path file, NDManager manager, Map<String, NDArray> into) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.load(file, manager, into);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void remove(Path file) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.remove(file);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void flush() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.flush();
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
