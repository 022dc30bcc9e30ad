package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.engine.Autograds;
import io.fulmen.spi.Autograd;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The module's weights before a tuner's trial fit, put back after it (Lightning saves a checkpoint first and
 * restores it). A module whose parameters do not exist yet is captured right after its first forward pass, before
 * the first update: its initial weights, the ones a fit would start from.
 */
final class ParameterSnapshot implements Callback {
    private final LightningModule module;
    private NDManager memory;
    private final Map<String, NDArray> saved = new LinkedHashMap<>();

    ParameterSnapshot(LightningModule module) {
        this.module = module;
        captureIfInitialized();
    }

    @Override
    public void onBeforeBackward(TrainerView trainer, LightningModule m, NDArray loss) {
        captureIfInitialized();
    }

    private void captureIfInitialized() {
        if (memory != null || !module.block().isInitialized()) {
            return;
        }
        memory = NDManager.newBaseManager();
        for (Pair<String, Parameter> p : module.block().getParameters()) {
            if (p.getValue().isInitialized()) {
                NDArray copy = p.getValue().getArray().duplicate();
                copy.attach(memory);
                saved.put(p.getKey(), copy);
            }
        }
    }

    /** Writes the captured values back into the parameters, without recording gradients, and frees the copies. */
    void restore(String engine) {
        if (memory == null) {
            return;
        }
        Autograd autograd = Autograds.forEngine(engine);
        boolean previous = autograd.setGradEnabled(false);
        try {
            for (Pair<String, Parameter> p : module.block().getParameters()) {
                NDArray value = saved.get(p.getKey());
                if (value != null && p.getValue().isInitialized()) {
                    // A byte copy: a diverged trial leaves NaN weights, which arithmetic would not wash out.
                    value.copyTo(p.getValue().getArray());
                }
            }
        } finally {
            autograd.setGradEnabled(previous);
            memory.close();
            memory = null;
            saved.clear();
        }
    }
}
