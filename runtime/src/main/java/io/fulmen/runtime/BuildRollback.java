package io.fulmen.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What a Trainer build has created so far, with how to release each thing; when the build fails, everything still
 * tracked is released newest first (loggers before the strategy, the plugins they came from last), and what fails
 * while being released is added to the build's error.
 */
final class BuildRollback {
    private final Deque<Tracked<?>> tracked = new ArrayDeque<>();

    private record Tracked<T>(T created, Consumer<? super T> release) {
        void run() {
            release.accept(created);
        }
    }

    /** Tracks {@code created}, released with {@code release} should the build fail; returns it. */
    <T> T track(T created, Consumer<? super T> release) {
        tracked.push(new Tracked<>(created, release));
        return created;
    }

    /** Stops tracking {@code created}: something else (the strategy set up with it) releases it from now on. */
    void handOver(Object created) {
        tracked.removeIf(t -> t.created() == created);
    }

    /** Releases everything tracked, newest first; their failures are added to {@code failure}. */
    void release(Throwable failure) {
        while (!tracked.isEmpty()) {
            try {
                tracked.pop().run();
            } catch (RuntimeException | LinkageError e) {
                failure.addSuppressed(e);
            }
        }
    }
}
