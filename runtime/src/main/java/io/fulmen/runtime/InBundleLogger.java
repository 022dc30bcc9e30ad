package io.fulmen.runtime;

import io.fulmen.logging.RunDirectory;
import io.fulmen.spi.CheckpointSaved;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A logger from a plugin bundle, every call run with the bundle's class loader as the context class loader. */
final class InBundleLogger implements ExperimentLogger {
    private final ExperimentLogger delegate;
    private final ClassLoader loader;

    InBundleLogger(ExperimentLogger delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    /** The bundle's own logger class. */
    Class<?> delegateClass() {
        return delegate.getClass();
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
    public String version() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.version();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Path logDir() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.logDir();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Optional<RunDirectory> runDirectory() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.runDirectory();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void logHyperparams(Map<String, Object> params) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.logHyperparams(params);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.logMetrics(metrics, step);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void afterSaveCheckpoint(CheckpointSaved checkpoint) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.afterSaveCheckpoint(checkpoint);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void logModelSummary(String summary) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.logModelSummary(summary);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void save() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.save();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void finish(RunStatus status) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.finish(status);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Object experiment() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.experiment();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
