package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.metrics.MetricStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The predict loop: {@code predictStep} per batch, outputs collected in order. NDArray outputs are moved to
 * {@code results}, a manager the caller owns, since batch memory is freed after every step.
 */
final class PredictionLoop {
    private final RunContext run;

    PredictionLoop(RunContext run) {
        this.run = run;
    }

    List<Object> predict(DataLoader loader, long limit, NDManager results) {
        LightningModule m = run.module;
        boolean previousGrad = run.autograd == null || run.autograd.setGradEnabled(false);
        List<Object> outputs = new ArrayList<>();
        run.state.numEvaluationBatches(limit);
        try {
            Hooks hooks = run.hooks;
            hooks.predictModelEval();
            hooks.predictStart();
            hooks.predictEpochStart();
            try (BatchStream stream = loader.open(run.manager, 0, 0, limit)) {
                int idx = 0;
                while (stream.hasNext()) {
                    run.checkCancelled();
                    try (Batch raw = stream.next()) {
                        Batch batch = run.strategy.batchToDevice(raw, m, 0);
                        run.bridge.enter(MetricStore.Scope.PREDICT, false, batch.getSize(), idx);
                        hooks.predictBatchStart(batch, idx, 0);
                        Object prediction = keep(hooks.predictStep(batch, idx), results);
                        outputs.add(prediction);
                        hooks.predictBatchEnd(prediction, batch, idx, 0);
                    }
                    idx++;
                }
            }
            hooks.predictEpochEnd();
            hooks.predictEnd();
            return outputs;
        } finally {
            run.state.numEvaluationBatches(-1);
            if (run.autograd != null) {
                run.autograd.setGradEnabled(previousGrad);
            }
        }
    }

    private static Object keep(Object prediction, NDManager results) {
        if (prediction instanceof NDArray a) {
            a.attach(results);
        } else if (prediction instanceof NDList l) {
            l.attach(results);
        }
        return prediction;
    }
}
