package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

/**
 * Lightning's {@code EMAWeightAveraging}: an exponential moving average of the weights,
 * {@code ema = decay * ema + (1 - decay) * current} (torch's {@code get_ema_avg_fn}), updated after every
 * {@code updateEveryNSteps}-th optimizer step from {@code updateStartingAtStep} on, or at the end of every epoch from
 * {@code updateStartingAtEpoch} on. See {@link WeightAveraging} for swapping, the end of training and checkpoints.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class EMAWeightAveraging extends WeightAveraging {
    private final double decay;
    private final int updateEveryNSteps;
    private final Long updateStartingAtStep;
    private final Integer updateStartingAtEpoch;

    /** Lightning's defaults: decay 0.999, every step from the first. */
    public EMAWeightAveraging() {
        this(0.999, 1, null, null);
    }

    /** {@code updateStartingAtStep} / {@code updateStartingAtEpoch} may be null (Lightning's None). */
    public EMAWeightAveraging(double decay, int updateEveryNSteps, Long updateStartingAtStep,
                              Integer updateStartingAtEpoch) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in [0, 1], got " + decay);
        }
        this.decay = decay;
        this.updateEveryNSteps = updateEveryNSteps;
        this.updateStartingAtStep = updateStartingAtStep;
        this.updateStartingAtEpoch = updateStartingAtEpoch;
    }

    public double decay() {
        return decay;
    }

    @Override
    protected boolean shouldUpdate(Long stepIdx, Integer epochIdx) {
        if (stepIdx != null) {
            boolean started = updateStartingAtStep == null || stepIdx >= updateStartingAtStep;
            boolean onFrequency = updateEveryNSteps > 0 && stepIdx % updateEveryNSteps == 0;
            if (started && onFrequency) {
                return true;
            }
        }
        return epochIdx != null && updateStartingAtEpoch != null && epochIdx >= updateStartingAtEpoch;
    }

    @Override
    protected void average(NDArray averaged, NDArray current, long nAveraged) {
        averaged.muli((float) decay);
        try (NDArray weighted = current.mul((float) (1.0 - decay))) {
            averaged.addi(weighted);
        }
    }

    @Override
    public String toString() {
        return "EMAWeightAveraging(decay=" + decay + ", update_every_n_steps=" + updateEveryNSteps
                + ", update_starting_at_step=" + updateStartingAtStep + ", update_starting_at_epoch="
                + updateStartingAtEpoch + ")";
    }
}
