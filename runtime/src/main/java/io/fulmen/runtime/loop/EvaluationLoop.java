package io.fulmen.runtime.loop;

import ai.djl.training.dataset.Batch;
import io.fulmen.Stage;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.metrics.MetricStore;

import java.util.Map;

/**
 * One pass over a validation or test loader (Lightning's {@code _EvaluationLoop}): validation inside fit, the
 * sanity check, {@code validate} and {@code test} run this same loop, which only switches hook names and the
 * metric scope by stage. Gradients are off and the module is in evaluation mode while it runs.
 */
final class EvaluationLoop {
    private final RunContext run;
    private final Hooks hooks;

    EvaluationLoop(RunContext run) {
        this.run = run;
        this.hooks = run.hooks;
    }

    /**
     * Runs {@code stage} (VALIDATE or TEST) over at most {@code limit} batches (-1 for all) and returns the epoch
     * metrics, logged at {@code logStep}; empty for the sanity check, whose results Lightning discards.
     * {@code inFit} marks validation during training, which switches the module back to training mode after it.
     */
    Map<String, Double> run(Stage stage, DataLoader loader, long limit, boolean inFit, long logStep) {
        MetricStore.Scope scope = stage == Stage.TEST ? MetricStore.Scope.TEST : MetricStore.Scope.VALIDATION;
        boolean sanity = run.state.isSanityChecking();
        boolean previousGrad = run.autograd == null || run.autograd.setGradEnabled(false);
        boolean previousTraining = run.state.isTraining();
        run.state.training(false);
        run.state.numEvaluationBatches(limit);
        try {
            if (inFit && !sanity) {
                hooks.validationModelZeroGrad();
            }
            hooks.evaluationModelEval(stage);
            hooks.evaluationStart(stage);
            hooks.evaluationEpochStart(stage);
            try (BatchStream stream = loader.open(run.manager, 0, 0, limit)) {
                int idx = 0;
                while (stream.hasNext()) {
                    run.checkCancelled();
                    try (Batch raw = stream.next()) {
                        Batch batch = run.strategy.batchToDevice(raw, run.module, 0);
                        run.bridge.enter(scope, false, batch.getSize(), idx);
                        hooks.evaluationBatchStart(stage, batch, idx, 0);
                        hooks.evaluationStep(stage, batch, idx);
                        if (!sanity) {
                            run.logToLoggers(run.state.metrics().publishStep(scope), logStep, false);
                        }
                        hooks.evaluationBatchEnd(stage, batch, idx, 0);
                    }
                    idx++;
                }
            }
            run.bridge.enter(scope, false, 1);
            hooks.evaluationEpochEnd(stage);
            Map<String, Double> results;
            if (sanity) {
                run.state.metrics().discard(scope);
                results = Map.of();
            } else {
                results = run.state.metrics().publishEpoch(scope);
                run.logToLoggers(results, logStep, true);
            }
            hooks.evaluationEnd(stage);
            if (stage == Stage.VALIDATE) {
                hooks.validationModelTrain();
            }
            return results;
        } finally {
            run.state.numEvaluationBatches(-1);
            run.state.training(previousTraining);
            if (run.autograd != null) {
                run.autograd.setGradEnabled(previousGrad);
            }
        }
    }
}
