package io.fulmen.runtime;

import ai.djl.nn.Block;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.spi.ExecutionEngine;

import java.util.List;

/**
 * What an engine cannot do, found before a call does any work: {@code fit} on an engine without gradients, and a
 * model holding blocks the engine cannot run (named with the operation missing), rather than a native error in the
 * middle of an epoch.
 */
final class EngineChecks {
    private EngineChecks() {}

    static void beforeCall(ExecutionEngine engine, Stage stage, LightningModule module) {
        if (stage == Stage.FIT && engine.newAutograd().isEmpty()) {
            throw new IllegalStateException("Trainer.fit cannot run on the " + engine.djlName() + " engine: "
                    + engine.whyNoTraining());
        }
        Block block;
        try {
            block = module.block();
        } catch (RuntimeException notBuiltYet) {
            return; // built in configureModel(): the engine's own error names the block if it fails
        }
        if (block == null) {
            return;
        }
        List<String> unsupported = engine.unsupportedParts(block);
        if (!unsupported.isEmpty()) {
            throw new IllegalStateException("Trainer." + stage.lightningName() + " cannot run "
                    + module.getClass().getSimpleName() + " on the " + engine.djlName() + " engine: "
                    + String.join("; ", unsupported) + ". Run it with engine(\"PyTorch\"), or replace those blocks");
        }
    }
}
