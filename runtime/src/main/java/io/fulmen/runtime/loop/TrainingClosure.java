package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningOptimizer;

/**
 * Lightning's optimizer closure: training step, zero_grad (first batch of an accumulation window) and backward.
 * {@code optimizerStep} runs it inside {@code optimizer.step(closure)}, or the loop runs it directly while
 * accumulating.
 */
final class TrainingClosure implements Runnable {
    private final RunContext run;
    private final Backward backward;
    private final Batch batch;
    private final int batchIdx;
    private final LightningOptimizer optimizer;
    private final boolean zeroGradFirst;
    private NDArray loss;
    private boolean ran;

    TrainingClosure(RunContext run, Backward backward, Batch batch, int batchIdx, LightningOptimizer optimizer,
                    boolean zeroGradFirst) {
        this.run = run;
        this.backward = backward;
        this.batch = batch;
        this.batchIdx = batchIdx;
        this.optimizer = optimizer;
        this.zeroGradFirst = zeroGradFirst;
    }

    @Override
    public void run() {
        if (ran) {
            throw new IllegalStateException("the optimizer closure of batch " + batchIdx + " ran twice");
        }
        ran = true;
        loss = run.module.trainingStep(batch, batchIdx);
        if (loss == null) {
            return;
        }
        if (run.settings.detectAnomaly()) {
            AnomalyCheck.loss(loss, run.state, batchIdx);
        }
        int accumulate = run.state.accumulateGradBatches();
        NDArray toBackward = accumulate > 1 ? loss.div(accumulate) : loss;
        if (zeroGradFirst) {
            run.hooks.beforeZeroGrad(optimizer);
            run.module.optimizerZeroGrad(run.state.currentEpoch(), batchIdx, optimizer);
        }
        backward.run(toBackward);
    }

    /** True when the training step returned no loss: backward and the step are skipped, as in Lightning. */
    boolean skipped() {
        return ran && loss == null;
    }

    NDArray loss() {
        return loss;
    }
}
