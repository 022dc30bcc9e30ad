package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Lightning's {@code StochasticWeightAveraging}: from epoch {@code swaEpochStart} (1-based; a fraction in [0, 1] means
 * {@code int(fraction * max_epochs)}) to the last epoch, the weights at the start of every epoch join an equal
 * average (torch's {@code avg + (w - avg) / (n + 1)}), the learning rate anneals to {@code swaLr} over
 * {@code annealingEpochs} epochs (torch's {@code SWALR}, {@code cos} or {@code linear}, stepped at every epoch end)
 * in place of the module's own schedule, and the average is copied into the module when training ends at its last
 * epoch (or always, without {@code max_epochs}). One optimizer, at most one schedule, as in Lightning.
 *
 * <p>Checkpoints carry the average (as tensors), the update count, the last averaged epoch and the SWALR step
 * count, so a resumed fit continues exactly. Left out: Lightning's extra epoch that recomputes batch-norm running
 * statistics for the averaged weights (DJL's BatchNorm has no cumulative-average momentum); a module with
 * batch norm keeps the running statistics of its last training epoch, and a warning says so. The average lives on
 * the parameters' device (Lightning's default is the CPU).
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class StochasticWeightAveraging implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(StochasticWeightAveraging.class);

    /** How the learning rate moves to the SWA rate. */
    public enum Annealing { COS, LINEAR }

    private final double swaLr;
    private final Number swaEpochStart;
    private final int annealingEpochs;
    private final Annealing annealing;
    private final AveragedParameters average = new AveragedParameters(false);
    private int startEpoch;
    private int maxEpochs;
    private boolean initialized;
    private long schedulerSteps;
    private int latestUpdateEpoch = -1;

    /** Lightning's defaults: start at 80% of max_epochs, 10 annealing epochs, cosine annealing. */
    public StochasticWeightAveraging(double swaLr) {
        this(swaLr, 0.8, 10, Annealing.COS);
    }

    /** {@code swaEpochStart}: an Integer &ge; 1, or a Double in [0, 1]. */
    public StochasticWeightAveraging(double swaLr, Number swaEpochStart, int annealingEpochs, Annealing annealing) {
        String startError = "swa_epoch_start should be a >0 integer or a float between 0 and 1.";
        if (swaEpochStart instanceof Integer i && i < 1) {
            throw new IllegalArgumentException(startError + " Got " + i);
        }
        if ((swaEpochStart instanceof Double || swaEpochStart instanceof Float)
                && !(swaEpochStart.doubleValue() >= 0 && swaEpochStart.doubleValue() <= 1)) {
            throw new IllegalArgumentException(startError + " Got " + swaEpochStart);
        }
        if (!(swaEpochStart instanceof Integer || swaEpochStart instanceof Double || swaEpochStart instanceof Float)) {
            throw new IllegalArgumentException(startError + " Got " + swaEpochStart);
        }
        if (!(swaLr > 0)) {
            throw new IllegalArgumentException("The `swa_lrs` should a positive float, or a list of positive floats."
                    + " Got " + swaLr);
        }
        if (annealingEpochs < 0) {
            throw new IllegalArgumentException("annealing_epochs must be >= 0, got " + annealingEpochs);
        }
        this.swaLr = swaLr;
        this.swaEpochStart = swaEpochStart;
        this.annealingEpochs = annealingEpochs;
        this.annealing = java.util.Objects.requireNonNull(annealing, "annealing");
    }

    /** torch's spelling of the strategy: {@code "cos"} or {@code "linear"}. */
    public static Annealing annealing(String name) {
        switch (String.valueOf(name).trim().toLowerCase(Locale.ROOT)) {
            case "cos":
                return Annealing.COS;
            case "linear":
                return Annealing.LINEAR;
            default:
                throw new IllegalArgumentException("anneal_strategy must by one of 'cos' or 'linear', instead got "
                        + name);
        }
    }

    /** Zero-based first epoch of averaging (Lightning's {@code swa_start}), known once fit started. */
    public int swaStart() {
        return Math.max(startEpoch - 1, 0);
    }

    private long swaEnd() {
        return maxEpochs == -1 ? Long.MAX_VALUE : maxEpochs - 1L;
    }

    /** Models averaged so far. */
    public long nAveraged() {
        return average.nAveraged();
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage == Stage.FIT) {
            average.close();
            initialized = false;
            schedulerSteps = 0;
            latestUpdateEpoch = -1;
        }
    }

    @Override
    public void teardown(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage == Stage.FIT) {
            average.close();
        }
    }

    @Override
    public void onFitStart(TrainerView trainer, LightningModule module) {
        if (trainer.optimizers().size() != 1) {
            throw new IllegalStateException("SWA currently works with 1 `optimizer`.");
        }
        if (trainer.lrSchedulerConfigs().size() > 1) {
            throw new IllegalStateException("SWA currently not supported for more than 1 `lr_scheduler`.");
        }
        maxEpochs = trainer.maxEpochs();
        if (swaEpochStart instanceof Integer i) {
            startEpoch = i;
        } else {
            if (maxEpochs == -1) {
                throw new IllegalStateException("SWA with `swa_epoch_start` as a float is not supported when "
                        + "`max_epochs=-1`. Please provide `swa_epoch_start` as an integer.");
            }
            startEpoch = (int) (maxEpochs * swaEpochStart.doubleValue());
        }
        if (containsBatchNorm(module.block())) {
            LOG.warn("StochasticWeightAveraging: the module has batch norm, whose running statistics are not "
                    + "recomputed for the averaged weights (Lightning runs one more epoch for that); recompute "
                    + "them with a pass over the training data in training mode if they matter");
        }
    }

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        int epoch = trainer.currentEpoch();
        boolean inWindow = swaStart() <= epoch && epoch <= swaEnd();
        if (!initialized && inWindow) {
            initialized = true;
            trainer.clearLrSchedulers();
            if (schedulerSteps == 0 && epoch != swaStart()) {
                LOG.warn("SWA is initializing after swa_start without any checkpoint data.");
            }
        }
        if (inWindow && epoch > latestUpdateEpoch) {
            average.update(module.block(), StochasticWeightAveraging::equalAverage);
            latestUpdateEpoch = epoch;
        }
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        if (!initialized) {
            return;
        }
        schedulerSteps++;
        LightningOptimizer optimizer = trainer.optimizers().get(0);
        optimizer.optimizer().setLearningRate(swaLrStep(optimizer.learningRate(), schedulerSteps));
    }

    @Override
    public void onTrainEnd(TrainerView trainer, LightningModule module) {
        if (trainer.currentEpoch() - 1L == swaEnd() || maxEpochs == -1) {
            average.copyInto(module.block());
        }
    }

    /** torch's {@code SWALR.get_lr} for its {@code step}-th step from the rate {@code lr} it finds. */
    float swaLrStep(float lr, long step) {
        long k = annealingEpochs == 0 ? Math.max(1, step) : step;
        double prevAlpha = anneal(clamp((k - 1) / (double) Math.max(1, annealingEpochs)));
        double initial = prevAlpha == 1 ? swaLr : (lr - prevAlpha * swaLr) / (1 - prevAlpha);
        double alpha = anneal(clamp(k / (double) Math.max(1, annealingEpochs)));
        return (float) (swaLr * alpha + initial * (1 - alpha));
    }

    private double anneal(double t) {
        return annealing == Annealing.COS ? (1 - Math.cos(Math.PI * t)) / 2 : t;
    }

    private static double clamp(double t) {
        return Math.max(0, Math.min(1, t));
    }

    private static void equalAverage(NDArray averaged, NDArray current, long nAveraged) {
        try (NDArray delta = current.sub(averaged)) {
            delta.divi((float) (nAveraged + 1));
            averaged.addi(delta);
        }
    }

    private static boolean containsBatchNorm(Block block) {
        if (block instanceof BatchNorm) {
            return true;
        }
        for (var child : block.getChildren()) {
            if (containsBatchNorm(child.getValue())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("n_averaged", average.nAveraged());
        state.put("latest_update_epoch", latestUpdateEpoch);
        state.put("initialized", initialized);
        state.put("scheduler_steps", schedulerSteps);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        average.nAveraged(WeightAveraging.number(state, "n_averaged"));
        latestUpdateEpoch = (int) WeightAveraging.number(state, "latest_update_epoch");
        schedulerSteps = WeightAveraging.number(state, "scheduler_steps");
        // Initialisation (taking the schedule over) happens again at the next epoch start; the stopped schedule
        // and the rate come back with the Trainer's own state.
        initialized = false;
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

    @Override
    public String toString() {
        return "StochasticWeightAveraging(swa_lrs=" + swaLr + ", swa_epoch_start=" + swaEpochStart
                + ", annealing_epochs=" + annealingEpochs + ", annealing_strategy="
                + annealing.name().toLowerCase(Locale.ROOT) + ")";
    }
}
