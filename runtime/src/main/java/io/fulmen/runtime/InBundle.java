package io.fulmen.runtime;

import io.fulmen.callback.Callback;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.CheckpointIO;
import io.fulmen.spi.ExecutionEngine;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.Precision;
import io.fulmen.spi.Strategy;

import java.util.function.BiFunction;

/**
 * Creates planned components so that code from a plugin bundle runs with the bundle's class loader as the thread's
 * context class loader: {@code create} itself (threads a component starts there inherit that loader), then every
 * call through the component's SPI, by a delegate that switches the loader around each call. Components of the
 * application are returned as created.
 */
final class InBundle {
    private InBundle() {}

    static Accelerator accelerator(Planned<Accelerator> plan) {
        return create(plan, InBundleAccelerator::new);
    }

    static Strategy strategy(Planned<Strategy> plan) {
        return create(plan, InBundleStrategy::new);
    }

    static Precision precision(Planned<Precision> plan) {
        return create(plan, InBundlePrecision::new);
    }

    static CheckpointIO checkpointIO(Planned<CheckpointIO> plan) {
        return create(plan, InBundleCheckpointIO::new);
    }

    static ExperimentLogger logger(Planned<ExperimentLogger> plan) {
        return create(plan, InBundleLogger::new);
    }

    /** The class a logger really is, looking through the bundle wrapper. */
    static Class<?> kind(ExperimentLogger logger) {
        return logger instanceof InBundleLogger wrapped ? wrapped.delegateClass() : logger.getClass();
    }

    static ExecutionEngine engine(Planned<ExecutionEngine> plan) {
        return create(plan, InBundleEngine::new);
    }

    static Callback callback(Planned<Callback> plan) {
        return create(plan, InBundleCallback::new);
    }

    private static <T> T create(Planned<T> plan, BiFunction<T, ClassLoader, T> inLoader) {
        ClassLoader loader = ContextLoader.foreignLoader(plan.provider());
        if (loader == null) {
            return plan.create();
        }
        T created;
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            created = plan.create();
        } finally {
            ContextLoader.exit(previous);
        }
        return created == null ? null : inLoader.apply(created, loader);
    }
}
