package io.fulmen.ddp;

import ai.djl.nn.Parameter;
import io.fulmen.spi.OptimizerStep;

import java.util.List;
import java.util.function.Consumer;

/**
 * An optimizer step whose gradients are averaged over ranks right after its closure's backward, before the
 * precision's checks, the step hooks and clipping see them. Accumulation steps never reach an optimizer step, so
 * they never synchronise (PyTorch's {@code no_sync}); the accumulated sums are averaged once.
 */
final class SynchronisingStep implements OptimizerStep {
    private final OptimizerStep step;
    private final Consumer<List<Parameter>> synchronise;

    SynchronisingStep(OptimizerStep step, Consumer<List<Parameter>> synchronise) {
        this.step = step;
        this.synchronise = synchronise;
    }

    @Override
    public boolean runClosure() {
        if (!step.runClosure()) {
            return false;
        }
        synchronise.accept(step.parameters());
        return true;
    }

    @Override
    public List<Parameter> parameters() {
        return step.parameters();
    }

    @Override
    public void beforeOptimizerStep() {
        step.beforeOptimizerStep();
    }

    @Override
    public void clipGradients() {
        step.clipGradients();
    }

    @Override
    public void update() {
        step.update();
    }
}
