package io.fulmen.tensorflow;

import ai.djl.engine.Engine;
import ai.djl.tensorflow.engine.TfEngineProvider;
import io.fulmen.spi.Availability;
import io.fulmen.spi.EngineProvider;
import io.fulmen.spi.ExecutionEngine;
import io.fulmen.spi.ProviderContext;

import java.util.List;

/**
 * {@code engine("TensorFlow")}: DJL's TensorFlow engine (TensorFlow 2.16, CPU) for validate, test and predict. Its
 * natives come from Maven Central with this plugin and are extracted on first use ({@link TensorFlowNatives}); DJL's
 * engine is registered here explicitly, because DJL looks for engines once, with the class loader current when it
 * first starts, which does not see a plugin bundle.
 */
public final class TensorFlowEngineProvider implements EngineProvider {
    /** DJL's name of the engine. */
    public static final String NAME = "TensorFlow";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> aliases() {
        return List.of("tf");
    }

    @Override
    public String description() {
        return "DJL's TensorFlow engine (TensorFlow 2.16, CPU): validate, test, predict; no fit (no gradients)";
    }

    /** Never picked by {@code "auto"}: it cannot train. */
    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Availability availability(ProviderContext context) {
        String reason = TensorFlowNatives.unavailableReason();
        return reason == null ? Availability.available() : Availability.unavailable(reason);
    }

    @Override
    public ExecutionEngine create(ProviderContext context) {
        load();
        return new TensorFlowEngine();
    }

    /** Extracts the natives if needed and loads DJL's TensorFlow engine (TensorFlow Java needs them too); idempotent. */
    public static synchronized void load() {
        TensorFlowNatives.install();
        if (!Engine.getAllEngines().contains(NAME)) {
            Engine.registerEngine(new TfEngineProvider());
        }
        Engine.getEngine(NAME);
    }
}
