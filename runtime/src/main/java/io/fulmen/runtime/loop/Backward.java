package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;

/**
 * The backward path of automatic and manual optimization alike: the backward hooks around the strategy's
 * backward (precision scaling, the engine's autograd, gradient synchronisation).
 */
final class Backward {
    private final RunContext run;
    private final Optimization optimization;

    Backward(RunContext run, Optimization optimization) {
        this.run = run;
        this.optimization = optimization;
    }

    void run(NDArray loss) {
        run.hooks.beforeBackward(loss);
        run.strategy.backward(loss, run.autograd, optimization.allParameters());
        optimization.gradientsChanged();
        run.hooks.afterBackward();
    }
}
