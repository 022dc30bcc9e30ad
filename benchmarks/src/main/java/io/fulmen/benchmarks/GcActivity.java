package io.fulmen.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/** Garbage collections and the milliseconds they took, summed over the JVM's collectors. */
record GcActivity(long collections, long millis) {
    static final GcActivity NONE = new GcActivity(0, 0);
    private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();

    /** Totals since the JVM started. */
    static GcActivity now() {
        long count = 0;
        long time = 0;
        for (GarbageCollectorMXBean gc : COLLECTORS) {
            // -1 means the collector does not report it
            count += Math.max(0, gc.getCollectionCount());
            time += Math.max(0, gc.getCollectionTime());
        }
        return new GcActivity(count, time);
    }

    GcActivity minus(GcActivity earlier) {
        return new GcActivity(collections - earlier.collections, millis - earlier.millis);
    }

    GcActivity plus(GcActivity other) {
        return new GcActivity(collections + other.collections, millis + other.millis);
    }
}
