package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lightning's {@code WeightAveraging}: keeps an average of the module's parameters, batch-norm running statistics
 * included (Lightning's default {@code use_buffers=True}), updated after every optimizer step (or when
 * {@link #shouldUpdate} says), swapped into the module during validation and copied into it when training ends.
 * The default average weighs every update equally (torch's {@code AveragedModel}); {@link EMAWeightAveraging}
 * averages exponentially.
 *
 * <p>Checkpoints carry the averages as tensors ({@code callback/<stateKey>/<parameter>}) and the counters as state,
 * so a resumed fit continues the same average. Unlike Lightning, the checkpoint's model weights stay the current
 * ones (Lightning stores the averaged weights there and the current ones under {@code current_model_state}).
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public class WeightAveraging implements Callback {
    private final AveragedParameters average = new AveragedParameters(true);
    private long latestUpdateStep;
    private int latestUpdateEpoch = -1;
    private boolean fitting;

    /**
     * Whether to update after the optimizer step {@code stepIdx} (zero-based; null at an epoch end) or the epoch
     * {@code epochIdx} (null after a step). Lightning's default: after every step.
     */
    protected boolean shouldUpdate(Long stepIdx, Integer epochIdx) {
        return stepIdx != null;
    }

    /** Updates {@code averaged} in place; torch's default: {@code averaged + (current - averaged) / (n + 1)}. */
    protected void average(NDArray averaged, NDArray current, long nAveraged) {
        try (NDArray delta = current.sub(averaged)) {
            delta.divi((float) (nAveraged + 1));
            averaged.addi(delta);
        }
    }

    /** Models averaged so far (torch's {@code n_averaged}). */
    public long nAveraged() {
        return average.nAveraged();
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage == Stage.FIT) {
            average.close();
            latestUpdateStep = 0;
            latestUpdateEpoch = -1;
            fitting = true;
        }
    }

    @Override
    public void teardown(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage == Stage.FIT) {
            average.restoreSwapped(module.block());
            average.close();
            fitting = false;
        }
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        long step = trainer.globalStep();
        if (step > latestUpdateStep && shouldUpdate(step - 1, null)) {
            average.update(module.block(), this::average);
            latestUpdateStep = step;
        }
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        int epoch = trainer.currentEpoch();
        if (epoch > latestUpdateEpoch && shouldUpdate(null, epoch)) {
            average.update(module.block(), this::average);
            latestUpdateEpoch = epoch;
        }
    }

    @Override
    public void onTrainEnd(TrainerView trainer, LightningModule module) {
        average.copyInto(module.block());
    }

    @Override
    public void onValidationEpochStart(TrainerView trainer, LightningModule module) {
        if (fitting && !average.isEmpty()) {
            average.swap(module.block());
        }
    }

    @Override
    public void onValidationEpochEnd(TrainerView trainer, LightningModule module) {
        average.restoreSwapped(module.block());
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("latest_update_step", latestUpdateStep);
        state.put("latest_update_epoch", latestUpdateEpoch);
        state.put("n_averaged", average.nAveraged());
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        latestUpdateStep = number(state, "latest_update_step");
        latestUpdateEpoch = (int) number(state, "latest_update_epoch");
        average.nAveraged(number(state, "n_averaged"));
    }

    @Override
    public Map<String, NDArray> tensorStateDict() {
        return average.tensors();
    }

    @Override
    public void loadTensorStateDict(Map<String, NDArray> tensors) {
        long n = average.nAveraged();
        average.load(tensors);
        average.nAveraged(n);
    }

    static long number(Map<String, Object> state, String key) {
        Object v = state.get(key);
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("weight averaging state: `" + key + "` must be a number, got " + v);
    }
}
