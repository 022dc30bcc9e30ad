package io.fulmen.runtime.profiler;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;

/**
 * Lightning's {@code SimpleProfiler}: wall-clock time per {@link Section} with {@link System#nanoTime()}, in arrays
 * sized once, so {@link #enter} allocates nothing. One instance times one call of the Trainer, on one thread.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class SimpleProfiler implements Profiler {
    private static final Section[] SECTIONS = Section.values();

    private final long[] totalNanos = new long[SECTIONS.length];
    private final long[] counts = new long[SECTIONS.length];
    private int current = -1;
    private long since;
    private long startedAt;

    /** Starts the clock in {@link Section#LOOP}. */
    public void start() {
        startedAt = System.nanoTime();
        since = startedAt;
        current = Section.LOOP.ordinal();
        counts[current]++;
    }

    @Override
    public void enter(Section section) {
        if (current < 0) {
            return;
        }
        resume(section);
        counts[current]++;
    }

    @Override
    public void resume(Section section) {
        if (current < 0) {
            return;
        }
        long now = System.nanoTime();
        totalNanos[current] += now - since;
        since = now;
        current = section.ordinal();
    }

    /** Stops the clock; returns the sections that ran, in their declaration order, and the time from start. */
    public ProfileSummary stop(String stage) {
        long now = System.nanoTime();
        if (current >= 0) {
            totalNanos[current] += now - since;
            current = -1;
        }
        List<ProfileSummary.Row> rows = new ArrayList<>();
        for (Section s : SECTIONS) {
            if (counts[s.ordinal()] > 0) {
                rows.add(new ProfileSummary.Row(s.action(), s.kind(), counts[s.ordinal()], totalNanos[s.ordinal()]));
            }
        }
        return new ProfileSummary(stage, now - startedAt, rows);
    }
}
