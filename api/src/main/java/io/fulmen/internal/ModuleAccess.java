package io.fulmen.internal;

import io.fulmen.LightningModule;
import io.fulmen.ModuleContext;
import io.fulmen.ParameterOwner;
import org.apiguardian.api.API;

import java.util.Objects;

/**
 * The runtime's access to a module's plumbing (the Trainer it is attached to, the owner of its parameter memory),
 * kept off {@link LightningModule}'s own surface so that user code does not see it. For the runtime only: nothing
 * here is API.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class ModuleAccess {
    /** What {@link LightningModule} lets the runtime do; installed once by the module class itself. */
    public interface Accessor {
        void attach(LightningModule module, ModuleContext context);

        void detach(LightningModule module, ModuleContext context);

        ParameterOwner parameterOwner(LightningModule module);

        void parameterOwner(LightningModule module, ParameterOwner owner);

        /** Replaces a saved hyperparameter of a module or a DataModule (a tuner's result). */
        void hyperparameter(Object owner, String name, Object value);
    }

    private static volatile Accessor accessor;

    private ModuleAccess() {}

    /** Called once, by {@link LightningModule}'s class initialisation. */
    public static synchronized void install(Accessor implementation) {
        if (accessor != null) {
            throw new IllegalStateException("the module accessor is installed already");
        }
        accessor = Objects.requireNonNull(implementation, "implementation");
    }

    /** Attaches {@code module} to the Trainer {@code context} stands for, for one call. */
    public static void attach(LightningModule module, ModuleContext context) {
        accessor().attach(module, context);
    }

    /** Detaches {@code module} from {@code context} (a no-op when it is attached to another). */
    public static void detach(LightningModule module, ModuleContext context) {
        accessor().detach(module, context);
    }

    /** The owner of the module's parameter memory, or null before its parameters were first created. */
    public static ParameterOwner parameterOwner(LightningModule module) {
        return accessor().parameterOwner(module);
    }

    /** Sets the owner of the module's parameter memory. */
    public static void parameterOwner(LightningModule module, ParameterOwner owner) {
        accessor().parameterOwner(module, owner);
    }

    /**
     * Replaces the hyperparameter {@code name} of {@code owner} (a {@link LightningModule} or a
     * {@code LightningDataModule}) with {@code value}, as a tuner records what it found.
     */
    public static void hyperparameter(Object owner, String name, Object value) {
        accessor().hyperparameter(owner, name, value);
    }

    private static Accessor accessor() {
        Accessor a = accessor;
        if (a == null) {
            // Unreachable with a module instance in hand (its class initialisation installed the accessor); kept so
            // that a future caller without one fails clearly.
            throw new IllegalStateException("LightningModule is not initialised yet");
        }
        return a;
    }
}
