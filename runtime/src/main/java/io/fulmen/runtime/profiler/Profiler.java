package io.fulmen.runtime.profiler;

import org.apiguardian.api.API;

/**
 * Lightning's {@code Profiler} as the hook dispatcher sees it: it is told when the run moves to another
 * {@link Section}, and charges the time since the previous move to the previous section. The sections thus
 * partition the run's time: their totals add up to the profiled wall time.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public interface Profiler {
    /** The profiler of a Trainer built without one: it does nothing, and costs a call the JIT removes. */
    Profiler OFF = section -> { };

    /** The run enters {@code section} now, counted as one more call of it. */
    void enter(Section section);

    /**
     * The run goes back to {@code section}, which a hook interrupted: its time goes on, but it is not counted again
     * (the optimizer step is resumed after {@code on_after_backward}, then entered at its own start).
     */
    default void resume(Section section) {
        enter(section);
    }
}
