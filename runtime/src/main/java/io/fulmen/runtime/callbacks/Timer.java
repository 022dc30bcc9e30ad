package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Lightning's {@code Timer}: stops training once {@code duration} of training time has passed, checked after every
 * training batch and epoch. The Trainer adds one when {@code maxTime} is set. Elapsed time survives checkpoints.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class Timer implements Callback {
    private final Duration duration;
    private final LongSupplier clock;
    private long startedNanos = -1;
    private long offsetNanos;

    public Timer(Duration duration) {
        this(duration, System::nanoTime);
    }

    Timer(Duration duration, LongSupplier clock) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("max_time must not be negative, got " + duration);
        }
        this.duration = duration;
        this.clock = clock;
    }

    /** Training time so far. */
    public Duration elapsed() {
        long running = startedNanos < 0 ? 0 : clock.getAsLong() - startedNanos;
        return Duration.ofNanos(offsetNanos + running);
    }

    public Duration remaining() {
        Duration left = duration.minus(elapsed());
        return left.isNegative() ? Duration.ZERO : left;
    }

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        startedNanos = clock.getAsLong();
    }

    @Override
    public void onTrainEnd(TrainerView trainer, LightningModule module) {
        offsetNanos += clock.getAsLong() - startedNanos;
        startedNanos = -1;
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        check(trainer);
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        check(trainer);
    }

    private void check(TrainerView trainer) {
        if (elapsed().compareTo(duration) >= 0) {
            trainer.requestStop();
        }
    }

    @Override
    public Map<String, Object> stateDict() {
        return Map.of("time_elapsed_train_ms", elapsed().toMillis());
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        Object v = state.get("time_elapsed_train_ms");
        if (v instanceof Number n) {
            offsetNanos = Duration.ofMillis(n.longValue()).toNanos();
        }
    }
}
