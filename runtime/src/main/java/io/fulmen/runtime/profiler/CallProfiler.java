package io.fulmen.runtime.profiler;

import org.apiguardian.api.API;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The profiler of one Trainer call: the {@link SimpleProfiler}'s sections, and with {@code "advanced"} also the
 * top methods from JFR. The JFR recording starts before and ends after the sections' clock, so the sections still
 * partition the call's time.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class CallProfiler {
    private final SimpleProfiler sections = new SimpleProfiler();
    private final JfrMethodSampler methods;

    private CallProfiler(boolean advanced) {
        this.methods = advanced ? new JfrMethodSampler() : null;
    }

    /** A profiler for one call by {@code name} (already checked by {@link Profilers#checkName}); null for none. */
    public static CallProfiler of(String name) {
        return name == null ? null : new CallProfiler(name.equals("advanced"));
    }

    /** What the hook dispatcher reports section changes to. */
    public Profiler hooks() {
        return sections;
    }

    /** Starts timing. */
    public void start() {
        if (methods != null) {
            methods.start();
        }
        sections.start();
    }

    /**
     * Stops timing; prints the report and writes it (and the JFR recording, if any) into {@code dir}, or only
     * stops when {@code dir} is null (a process that writes no logs).
     */
    public ProfileSummary stopAndPublish(String stage, Path dir, PrintStream out) {
        ProfileSummary summary = sections.stop(stage);
        if (dir == null) {
            if (methods != null) {
                methods.discard();
            }
            return summary;
        }
        String topMethods = methods == null ? "" : methods.stop(dir.resolve(stage + "-profiler.jfr"));
        Profilers.publish(summary.table() + topMethods, Profilers.reportFile(dir, stage), out);
        return summary;
    }
}
