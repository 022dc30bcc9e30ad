package io.fulmen.runtime.loop;

import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.metrics.MetricStore;

import java.util.Map;

/** Validation (in fit, sanity check or {@code validate}) and test: one pass over a loader, Lightning's hooks. */
final class EvaluationLoop {
    private final RunContext run;

    EvaluationLoop(RunContext run) {
        this.run = run;
    }

    /**
     * Runs validation over at most {@code limit} batches (-1 for all); returns the epoch metrics published, empty
     * for the sanity check (whose results Lightning discards).
     */
    Map<String, Double> validate(DataLoader loader, long limit, boolean inFit, long logStep) {
        LightningModule m = run.module;
        boolean sanity = run.state.isSanityChecking();
        boolean previousGrad = run.autograd == null || run.autograd.setGradEnabled(false);
        boolean previousTraining = run.state.isTraining();
        run.state.training(false);
        try {
            if (inFit && !sanity) {
                m.onValidationModelZeroGrad();
            }
            m.onValidationModelEval();
            run.eachCallback(c -> c.onValidationStart(run.state, m));
            m.onValidationStart();
            run.eachCallback(c -> c.onValidationEpochStart(run.state, m));
            m.onValidationEpochStart();
            try (BatchStream stream = loader.open(run.manager, 0, 0, limit)) {
                int idx = 0;
                while (stream.hasNext()) {
                    run.checkCancelled();
                    try (Batch raw = stream.next()) {
                        Batch batch = BatchTransfer.toDevice(run, raw, 0);
                        final int batchIdx = idx;
                        run.bridge.enter(MetricStore.Scope.VALIDATION, false, batch.getSize());
                        run.eachCallback(c -> c.onValidationBatchStart(run.state, m, batch, batchIdx, 0));
                        m.onValidationBatchStart(batch, batchIdx, 0);
                        m.validationStep(batch, batchIdx);
                        stepMetrics(MetricStore.Scope.VALIDATION, sanity, logStep);
                        run.eachCallback(c -> c.onValidationBatchEnd(run.state, m, batch, batchIdx, 0));
                        m.onValidationBatchEnd(batch, batchIdx, 0);
                    }
                    idx++;
                }
            }
            run.bridge.enter(MetricStore.Scope.VALIDATION, false, 1);
            run.eachCallback(c -> c.onValidationEpochEnd(run.state, m));
            m.onValidationEpochEnd();
            Map<String, Double> results;
            if (sanity) {
                run.state.metrics().discard(MetricStore.Scope.VALIDATION);
                results = Map.of();
            } else {
                results = run.state.metrics().publishEpoch(MetricStore.Scope.VALIDATION);
                run.logToLoggers(results, logStep, true);
            }
            run.eachCallback(c -> c.onValidationEnd(run.state, m));
            m.onValidationEnd();
            m.onValidationModelTrain();
            return results;
        } finally {
            run.state.training(previousTraining);
            if (run.autograd != null) {
                run.autograd.setGradEnabled(previousGrad);
            }
        }
    }

    /** Runs the test loop over at most {@code limit} batches; returns the test epoch metrics. */
    Map<String, Double> test(DataLoader loader, long limit) {
        LightningModule m = run.module;
        boolean previousGrad = run.autograd == null || run.autograd.setGradEnabled(false);
        try {
            m.onTestModelEval();
            run.eachCallback(c -> c.onTestStart(run.state, m));
            m.onTestStart();
            run.eachCallback(c -> c.onTestEpochStart(run.state, m));
            m.onTestEpochStart();
            try (BatchStream stream = loader.open(run.manager, 0, 0, limit)) {
                int idx = 0;
                while (stream.hasNext()) {
                    run.checkCancelled();
                    try (Batch raw = stream.next()) {
                        Batch batch = BatchTransfer.toDevice(run, raw, 0);
                        final int batchIdx = idx;
                        run.bridge.enter(MetricStore.Scope.TEST, false, batch.getSize());
                        run.eachCallback(c -> c.onTestBatchStart(run.state, m, batch, batchIdx, 0));
                        m.onTestBatchStart(batch, batchIdx, 0);
                        m.testStep(batch, batchIdx);
                        stepMetrics(MetricStore.Scope.TEST, false, run.state.batchesThatStepped());
                        run.eachCallback(c -> c.onTestBatchEnd(run.state, m, batch, batchIdx, 0));
                        m.onTestBatchEnd(batch, batchIdx, 0);
                    }
                    idx++;
                }
            }
            run.bridge.enter(MetricStore.Scope.TEST, false, 1);
            run.eachCallback(c -> c.onTestEpochEnd(run.state, m));
            m.onTestEpochEnd();
            Map<String, Double> results = run.state.metrics().publishEpoch(MetricStore.Scope.TEST);
            run.logToLoggers(results, run.state.batchesThatStepped(), true);
            run.eachCallback(c -> c.onTestEnd(run.state, m));
            m.onTestEnd();
            return results;
        } finally {
            if (run.autograd != null) {
                run.autograd.setGradEnabled(previousGrad);
            }
        }
    }

    private void stepMetrics(MetricStore.Scope scope, boolean sanity, long logStep) {
        if (sanity) {
            return;
        }
        Map<String, Double> forLogger = run.state.metrics().publishStep(scope);
        run.logToLoggers(forLogger, logStep, false);
    }
}
