package io.fulmen.metrics;

import io.fulmen.MetricSync;
import io.fulmen.spi.ReduceOp;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The states of a metric and what every metric does with them: reset, reduction across processes, and running one
 * batch alone for {@code forward}. A subclass declares its states in its constructor with {@link #addTally} and
 * {@link #addSamples} (torchmetrics' {@code add_state}) and updates them; states live on the Java heap.
 *
 * <p>Not thread-safe: one metric belongs to one module, updated from its steps.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public abstract class StatefulMetric {
    private final List<Tally> tallies = new ArrayList<>();
    private final List<Samples> sampleLists = new ArrayList<>();

    /** For subclasses. */
    protected StatefulMetric() {}

    /** Declares a vector state of {@code size} elements reduced by {@code op} (SUM, MAX or MIN). */
    protected final Tally addTally(int size, ReduceOp op) {
        Tally t = new Tally(size, op);
        tallies.add(t);
        return t;
    }

    /** Declares a list state, concatenated across batches and processes. */
    protected final Samples addSamples() {
        Samples s = new Samples();
        sampleLists.add(s);
        return s;
    }

    /** Clears every state. */
    public void reset() {
        tallies.forEach(Tally::reset);
        sampleLists.forEach(Samples::reset);
    }

    /**
     * Replaces each state with its reduction over every process: tallies element-wise (one collective per kind of
     * reduction), lists gathered in rank order. A no-op with one process.
     */
    public void sync(MetricSync sync) {
        if (sync == null || sync.worldSize() <= 1) {
            return;
        }
        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
            syncTallies(sync, op);
        }
        for (Samples s : sampleLists) {
            s.replace(sync.allGather(s.toArray()));
        }
    }

    private void syncTallies(MetricSync sync, ReduceOp op) {
        List<Tally> group = tallies.stream().filter(t -> t.op() == op).toList();
        int length = group.stream().mapToInt(Tally::size).sum();
        if (length == 0) {
            return;
        }
        double[] packed = new double[length];
        int at = 0;
        for (Tally t : group) {
            System.arraycopy(t.toArray(), 0, packed, at, t.size());
            at += t.size();
        }
        double[] reduced = sync.allReduce(packed, op);
        at = 0;
        for (Tally t : group) {
            t.replace(reduced, at);
            at += t.size();
        }
    }

    /**
     * torchmetrics' {@code forward}: runs {@code update} on empty states, takes {@code compute}'s value of that batch
     * alone, then merges the batch into the accumulated states. Nothing is merged when the update fails.
     */
    protected final <T> T onBatchAlone(Runnable update, Supplier<T> compute) {
        tallies.forEach(Tally::beginBatch);
        sampleLists.forEach(Samples::beginBatch);
        boolean updated = false;
        try {
            update.run();
            updated = true;
            return compute.get();
        } finally {
            for (Tally t : tallies) {
                t.endBatch(updated);
            }
            for (Samples s : sampleLists) {
                s.endBatch(updated);
            }
        }
    }
}
