package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

import java.util.Map;

/** A callback from a plugin bundle, every hook run with the bundle's class loader as the context class loader. */
final class InBundleCallback implements Callback {
    private final Callback delegate;
    private final ClassLoader loader;

    InBundleCallback(Callback delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    @Override
    public String stateKey() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.stateKey();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public boolean monitorsMetrics() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.monitorsMetrics();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Map<String, Object> stateDict() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.stateDict();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.loadStateDict(state);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Map<String, NDArray> tensorStateDict() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.tensorStateDict();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void loadTensorStateDict(Map<String, NDArray> tensors) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.loadTensorStateDict(tensors);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.setup(trainer, module, stage);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void teardown(TrainerView trainer, LightningModule module, Stage stage) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.teardown(trainer, module, stage);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onFitStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onFitStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onFitEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onFitEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onSanityCheckStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onSanityCheckStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onSanityCheckEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onSanityCheckEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTrainStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTrainEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTrainEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTrainEpochStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTrainEpochEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTrainBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTrainBatchStart(trainer, module, batch, batchIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch, int batchIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTrainBatchEnd(trainer, module, loss, batch, batchIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onValidationStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onValidationStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onValidationEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onValidationEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onValidationEpochStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onValidationEpochStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onValidationEpochEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onValidationEpochEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onValidationBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx, int dataloaderIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onValidationBatchStart(trainer, module, batch, batchIdx, dataloaderIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onValidationBatchEnd(TrainerView trainer, LightningModule module, Batch batch, int batchIdx, int dataloaderIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onValidationBatchEnd(trainer, module, batch, batchIdx, dataloaderIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTestStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTestStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTestEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTestEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTestEpochStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTestEpochStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTestEpochEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTestEpochEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTestBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx, int dataloaderIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTestBatchStart(trainer, module, batch, batchIdx, dataloaderIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onTestBatchEnd(TrainerView trainer, LightningModule module, Batch batch, int batchIdx, int dataloaderIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onTestBatchEnd(trainer, module, batch, batchIdx, dataloaderIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onPredictStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onPredictStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onPredictEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onPredictEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onPredictEpochStart(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onPredictEpochStart(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onPredictEpochEnd(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onPredictEpochEnd(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onPredictBatchStart(TrainerView trainer, LightningModule module, Batch batch, int batchIdx, int dataloaderIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onPredictBatchStart(trainer, module, batch, batchIdx, dataloaderIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onPredictBatchEnd(TrainerView trainer, LightningModule module, Object prediction, Batch batch, int batchIdx, int dataloaderIdx) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onPredictBatchEnd(trainer, module, prediction, batch, batchIdx, dataloaderIdx);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onBeforeZeroGrad(TrainerView trainer, LightningModule module, LightningOptimizer optimizer) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onBeforeZeroGrad(trainer, module, optimizer);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onBeforeBackward(TrainerView trainer, LightningModule module, NDArray loss) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onBeforeBackward(trainer, module, loss);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onAfterBackward(TrainerView trainer, LightningModule module) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onAfterBackward(trainer, module);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onBeforeOptimizerStep(TrainerView trainer, LightningModule module, LightningOptimizer optimizer) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onBeforeOptimizerStep(trainer, module, optimizer);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void onException(TrainerView trainer, LightningModule module, Throwable error) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.onException(trainer, module, error);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
