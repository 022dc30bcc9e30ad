package io.fulmen.runtime.callbacks;

import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.internal.HookOverrides;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Changes gradient accumulation by epoch, as Lightning's {@code GradientAccumulationScheduler}: {@code scheduling}
 * maps a zero-based epoch to the accumulation factor from that epoch on ({@code {4: 2}}: one batch per step for
 * epochs 0–3, two from epoch 4); epoch 0 gets factor 1 unless given. The factor is set at every training epoch
 * start. It needs automatic optimization, and the Trainer's own {@code accumulateGradBatches} must stay 1.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class GradientAccumulationScheduler implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(GradientAccumulationScheduler.class);

    private final TreeMap<Integer, Integer> scheduling;

    /** {@code scheduling}: epoch (zero-based, &ge; 0) to accumulation factor (&ge; 1); not empty. */
    public GradientAccumulationScheduler(Map<Integer, Integer> scheduling) {
        if (scheduling == null || scheduling.isEmpty()) {
            throw new IllegalArgumentException("Empty dict cannot be interpreted correct: give at least one "
                    + "{epoch: accumulation factor}, e.g. {4: 2}");
        }
        if (scheduling.keySet().stream().anyMatch(k -> k == null || k < 0)) {
            throw new IllegalArgumentException("Epoch should be an int greater than or equal to 0. Got "
                    + scheduling.keySet() + ".");
        }
        if (scheduling.values().stream().anyMatch(v -> v == null || v < 1)) {
            throw new IllegalArgumentException("Accumulation factor should be an int greater than 0. Got "
                    + scheduling.values() + ".");
        }
        this.scheduling = new TreeMap<>(scheduling);
        this.scheduling.putIfAbsent(0, 1);
    }

    /** The schedule with epoch 0 filled in, in epoch order. */
    public Map<Integer, Integer> scheduling() {
        return Collections.unmodifiableMap(scheduling);
    }

    /** Whether any epoch accumulates. */
    public boolean goingToAccumulateGradBatches() {
        return scheduling.values().stream().anyMatch(v -> v > 1);
    }

    /** The factor for {@code epoch}: that of the latest scheduled epoch not after it. */
    public int accumulateGradBatches(int epoch) {
        Map.Entry<Integer, Integer> e = scheduling.floorEntry(epoch);
        return e == null ? 1 : e.getValue();
    }

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        if (!module.isAutomaticOptimization()) {
            throw new IllegalStateException("Automatic gradient accumulation and the `GradientAccumulationScheduler` "
                    + "is not supported for manual optimization. Please remove the callback or switch to automatic "
                    + "optimization.");
        }
        boolean overridden = HookOverrides.isOverridden(module, LightningModule.class, "optimizerStep", int.class,
                int.class, LightningOptimizer.class, Runnable.class)
                || HookOverrides.isOverridden(module, LightningModule.class, "optimizerZeroGrad", int.class,
                int.class, LightningOptimizer.class);
        if (overridden && goingToAccumulateGradBatches()) {
            LOG.warn("When using `Trainer(accumulate_grad_batches != 1)` and overriding "
                    + "`LightningModule.optimizer_{step,zero_grad}`, the hooks will not be called on every batch "
                    + "(rather, they are called on every optimization step).");
        }
        if (trainer.config().accumulateGradBatches() != 1) {
            throw new IllegalArgumentException("You have set `accumulate_grad_batches` and are using the "
                    + "`GradientAccumulationScheduler` callback. Either remove `accumulate_grad_batches` from the "
                    + "Trainer or remove the callback.");
        }
    }

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        trainer.setAccumulateGradBatches(accumulateGradBatches(trainer.currentEpoch()));
    }

    @Override
    public String toString() {
        return "GradientAccumulationScheduler(" + scheduling + ")";
    }
}
