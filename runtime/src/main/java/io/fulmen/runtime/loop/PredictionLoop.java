package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.internal.HookOverrides;
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

    /** Predicts over each loader in turn, at most {@code limits[i]} batches of loader i. */
    Loops.PredictOutputs predict(List<DataLoader> loaders, long[] limits, NDManager results) {
        boolean previousGrad = run.autograd == null || run.autograd.setGradEnabled(false);
        List<Object> outputs = new ArrayList<>();
        int[] perLoader = new int[loaders.size()];
        long total = 0;
        for (long limit : limits) {
            total += limit;
        }
        run.state.numEvaluationBatches(total);
        try {
            Hooks hooks = run.hooks;
            hooks.predictModelEval();
            hooks.predictStart();
            hooks.predictEpochStart();
            boolean several = loaders.size() > 1;
            boolean withIdx = several || !HookOverrides.isOverridden(run.module, LightningModule.class, "predictStep",
                    Batch.class, int.class) && HookOverrides.isOverridden(run.module, LightningModule.class,
                    "predictStep", Batch.class, int.class, int.class);
            for (int dl = 0; dl < loaders.size(); dl++) {
                int before = outputs.size();
                run.bridge.dataloader(several ? dl : -1);
                runLoader(loaders.get(dl), limits[dl], dl, withIdx, outputs, results);
                perLoader[dl] = outputs.size() - before;
            }
            run.bridge.dataloader(-1);
            hooks.predictEpochEnd();
            hooks.predictEnd();
            return new Loops.PredictOutputs(outputs, perLoader);
        } finally {
            run.bridge.dataloader(-1);
            run.state.numEvaluationBatches(-1);
            if (run.autograd != null) {
                run.autograd.setGradEnabled(previousGrad);
            }
        }
    }

    private void runLoader(DataLoader loader, long limit, int dl, boolean withIdx, List<Object> outputs,
                           NDManager results) {
        LightningModule m = run.module;
        Hooks hooks = run.hooks;
        try (BatchStream stream = loader.open(run.manager, 0, 0, limit)) {
            int idx = 0;
            while (stream.hasNext()) {
                run.checkCancelled();
                try (Batch raw = stream.next()) {
                    Batch batch = run.strategy.batchToDevice(raw, m, dl);
                    run.bridge.enter(MetricStore.Scope.PREDICT, false, batch.getSize(), idx);
                    hooks.predictBatchStart(batch, idx, dl);
                    Object prediction = keep(hooks.predictStep(batch, idx, withIdx ? dl : -1), results);
                    outputs.add(prediction);
                    hooks.predictBatchEnd(prediction, batch, idx, dl);
                }
                idx++;
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
