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

    /** The run enters {@code section} now. */
    void enter(Section section);
}
