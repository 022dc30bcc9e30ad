package io.fulmen;

import io.fulmen.internal.DetachedContexts;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Which context a module runs in (a Trainer call's, or its own for inference outside a Trainer), who owns its
 * parameters' memory, and whether it was closed. Attaching, detaching and closing hold one lock, so a module is
 * never closed under a call that is attaching it.
 */
final class ModuleLifecycle {
    private final Object lock = new Object();
    private volatile ModuleContext attached;
    private volatile ModuleContext detached;
    private volatile String closed;
    private volatile ParameterOwner parameterOwner;

    /** Attaches a Trainer call's context; a closed module refuses. */
    void attach(LightningModule module, ModuleContext context) {
        Objects.requireNonNull(context, "context");
        synchronized (lock) {
            requireOpen(module);
            attached = context;
        }
    }

    void detach(ModuleContext context) {
        synchronized (lock) {
            if (attached == context) {
                attached = null;
            }
        }
    }

    ParameterOwner parameterOwner() {
        return parameterOwner;
    }

    void parameterOwner(ParameterOwner owner) {
        parameterOwner = owner;
    }

    /** The running Trainer call's context, else the module's own for inference outside a Trainer. */
    ModuleContext context(LightningModule module) {
        ModuleContext c = attached;
        if (c != null) {
            return c;
        }
        requireOpen(module);
        ModuleContext d = detached;
        if (d == null) {
            d = RuntimeServices.find(DetachedContexts.class, module.getClass(), module.getClass().getSimpleName()
                    + " is not attached to a Trainer and no runtime is on the classpath to run it alone: add "
                    + "fulmen-runtime").create(module);
            detached = d;
        }
        return d;
    }

    private void requireOpen(LightningModule module) {
        String when = closed;
        if (when != null) {
            throw new IllegalStateException(module.getClass().getSimpleName() + " was closed " + when + " and its "
                    + "parameters freed; build a new module or load one with loadFromCheckpoint");
        }
    }

    /** Cancels and awaits a running call (from another thread), then frees the parameters. */
    void close() {
        ModuleContext running;
        synchronized (lock) {
            if (closed == null) {
                closed = "at " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS)
                        + " by thread '" + Thread.currentThread().getName() + "'";
            }
            running = attached;
        }
        if (running != null) {
            running.cancelRunAndAwait();
        }
        ParameterOwner owner;
        synchronized (lock) {
            owner = parameterOwner;
            parameterOwner = null;
        }
        if (owner != null) {
            owner.close();
        }
    }
}
