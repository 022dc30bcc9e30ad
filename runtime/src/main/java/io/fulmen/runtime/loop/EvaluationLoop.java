package io.fulmen.runtime.loop;

import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.internal.HookOverrides;
import io.fulmen.runtime.metrics.MetricStore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over the validation or test loaders (Lightning's {@code _EvaluationLoop}): validation inside fit, the
 * sanity check, {@code validate} and {@code test} run this same loop, which only switches hook names and the
 * metric scope by stage. Several loaders run one after the other, each batch's loader index passed to the step
 * (only when there are several, as Lightning does) and to the batch hooks; what is logged meanwhile gets
 * {@code /dataloader_idx_N} appended. Gradients are off and the module is in evaluation mode while it runs.
 */
final class EvaluationLoop {
    private static final String SUFFIX = "dataloader_idx";

    private final RunContext run;
    private final Hooks hooks;

    EvaluationLoop(RunContext run) {
        this.run = run;
        this.hooks = run.hooks;
    }

    /**
     * Runs {@code stage} (VALIDATE or TEST) over at most {@code limits[i]} batches of loader i (-1 for all) and
     * returns the epoch metrics of each loader, logged at {@code logStep}; empty maps for the sanity check, whose
     * results Lightning discards. {@code inFit} marks validation during training, which switches the module back to
     * training mode after it.
     */
    List<Map<String, Double>> run(Stage stage, List<DataLoader> loaders, long[] limits, boolean inFit,
                                  long logStep) {
        MetricStore.Scope scope = stage == Stage.TEST ? MetricStore.Scope.TEST : MetricStore.Scope.VALIDATION;
        boolean several = loaders.size() > 1;
        boolean stepWithIdx = stepTakesDataloaderIdx(run.module, stage, loaders.size());
        boolean sanity = run.state.isSanityChecking();
        boolean previousGrad = run.autograd == null || run.autograd.setGradEnabled(false);
        boolean previousTraining = run.state.isTraining();
        run.state.training(false);
        long total = 0;
        for (long limit : limits) {
            total += limit;
        }
        run.state.numEvaluationBatches(total);
        try {
            if (inFit && !sanity) {
                hooks.validationModelZeroGrad();
            }
            hooks.evaluationModelEval(stage);
            hooks.evaluationStart(stage);
            hooks.evaluationEpochStart(stage);
            for (int dl = 0; dl < loaders.size(); dl++) {
                run.bridge.dataloader(several ? dl : -1);
                runLoader(stage, scope, loaders.get(dl), limits[dl], dl, stepWithIdx, sanity, logStep);
            }
            run.bridge.dataloader(-1);
            run.bridge.enter(scope, false, 1);
            hooks.evaluationEpochEnd(stage);
            List<Map<String, Double>> results;
            if (sanity) {
                run.state.metrics().discard(scope);
                results = perDataloader(Map.of(), loaders.size());
            } else {
                Map<String, Double> all = run.state.metrics().publishEpoch(scope);
                run.logToLoggers(all, logStep, true);
                results = perDataloader(all, loaders.size());
            }
            hooks.evaluationEnd(stage);
            if (stage == Stage.VALIDATE) {
                hooks.validationModelTrain();
            }
            return results;
        } finally {
            run.bridge.dataloader(-1);
            run.state.numEvaluationBatches(-1);
            run.state.training(previousTraining);
            if (run.autograd != null) {
                run.autograd.setGradEnabled(previousGrad);
            }
        }
    }

    private void runLoader(Stage stage, MetricStore.Scope scope, DataLoader loader, long limit, int dl,
                           boolean stepWithIdx, boolean sanity, long logStep) {
        try (BatchStream stream = loader.open(run.manager, 0, 0, limit)) {
            int idx = 0;
            while (stream.hasNext()) {
                run.checkCancelled();
                try (Batch raw = stream.next()) {
                    Batch batch = run.strategy.batchToDevice(raw, run.module, dl);
                    run.bridge.enter(scope, false, batch.getSize(), idx);
                    hooks.evaluationBatchStart(stage, batch, idx, dl);
                    hooks.evaluationStep(stage, batch, idx, stepWithIdx ? dl : -1);
                    if (!sanity) {
                        run.logToLoggers(run.state.metrics().publishStep(scope), logStep, false);
                    }
                    hooks.evaluationBatchEnd(stage, batch, idx, dl);
                }
                idx++;
            }
        }
    }

    /**
     * Whether the step is called with the loader's index: always with several loaders (the module must override
     * the three-argument step then), and with one only when the two-argument step is not overridden.
     */
    static boolean stepTakesDataloaderIdx(LightningModule module, Stage stage, int numLoaders) {
        String name = stage == Stage.TEST ? "testStep" : "validationStep";
        boolean two = HookOverrides.isOverridden(module, LightningModule.class, name, Batch.class, int.class);
        boolean three = HookOverrides.isOverridden(module, LightningModule.class, name, Batch.class, int.class,
                int.class);
        if (numLoaders > 1) {
            if (!three) {
                throw new IllegalStateException(module.getClass().getSimpleName() + " got " + numLoaders + " "
                        + (stage == Stage.TEST ? "test" : "validation") + " loaders but overrides only " + name
                        + "(Batch, int): override " + name + "(Batch, int, int dataloaderIdx) to be told which "
                        + "loader a batch comes from (Lightning's dataloader_idx)");
            }
            return true;
        }
        return !two && three;
    }

    /** Whether {@code module} defines the step of {@code stage} in either form. */
    static boolean definesStep(LightningModule module, Stage stage) {
        String name = stage == Stage.TEST ? "testStep" : "validationStep";
        return HookOverrides.isOverridden(module, LightningModule.class, name, Batch.class, int.class)
                || HookOverrides.isOverridden(module, LightningModule.class, name, Batch.class, int.class, int.class);
    }

    /** The name a value logged during loader {@code dataloaderIdx} gets (Lightning's {@code add_dataloader_idx}). */
    static String suffixed(String name, int dataloaderIdx) {
        return name + "/" + SUFFIX + "_" + dataloaderIdx;
    }

    /**
     * Each loader's share of the epoch metrics, as Lightning's {@code _filter_metrics_for_dataloader}: its own
     * suffixed names and every name without a loader suffix.
     */
    static List<Map<String, Double>> perDataloader(Map<String, Double> all, int numLoaders) {
        if (numLoaders == 1) {
            return List.of(Collections.unmodifiableMap(new LinkedHashMap<>(all)));
        }
        List<Map<String, Double>> out = new ArrayList<>(numLoaders);
        for (int dl = 0; dl < numLoaders; dl++) {
            Map<String, Double> mine = new LinkedHashMap<>();
            String own = SUFFIX + "_" + dl;
            for (Map.Entry<String, Double> e : all.entrySet()) {
                if (!e.getKey().contains(SUFFIX) || e.getKey().endsWith(own)) {
                    mine.put(e.getKey(), e.getValue());
                }
            }
            out.add(Collections.unmodifiableMap(mine));
        }
        return List.copyOf(out);
    }
}
