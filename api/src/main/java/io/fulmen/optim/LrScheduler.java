package io.fulmen.optim;

import org.apiguardian.api.API;

/**
 * A learning-rate schedule as a pure function of how many times it has stepped: its whole state is that count,
 * so resuming a run restores the schedule exactly. {@link Schedules} builds PyTorch's common schedules.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
@FunctionalInterface
public interface LrScheduler {
    /** The learning rate after {@code count} scheduler steps, given the optimizer's initial rate. */
    float learningRate(long count, float baseLr);

    /** The name loggers show, e.g. in the learning-rate monitor. */
    default String name() {
        return getClass().getSimpleName();
    }
}
