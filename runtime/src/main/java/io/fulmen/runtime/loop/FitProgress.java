package io.fulmen.runtime.loop;

import com.google.gson.JsonObject;

/**
 * The counters of fit (Lightning's progress objects): epoch, optimizer steps, batches that stepped (the step the
 * loggers see), how far the current epoch got, and the batch count across epochs that validation scheduling uses.
 * It is the one place they live, and it writes and reads their checkpoint state. Written by the thread running the
 * loops; the view reads the volatile counters from any thread.
 */
final class FitProgress {
    private volatile int currentEpoch;
    private volatile long globalStep;
    private volatile long batchesThatStepped;
    private long batchesDoneInEpoch;
    private boolean epochFinished;
    private long totalBatchIdx;
    private long resumeBatch;

    int currentEpoch() {
        return currentEpoch;
    }

    long globalStep() {
        return globalStep;
    }

    long batchesThatStepped() {
        return batchesThatStepped;
    }

    long totalBatchIdx() {
        return totalBatchIdx;
    }

    void optimizerStepped() {
        globalStep++;
    }

    /** An epoch begins; returns the batch it starts at (past the batches a resumed checkpoint had done). */
    long epochStarted() {
        long first = resumeBatch;
        resumeBatch = 0;
        batchesDoneInEpoch = first;
        epochFinished = false;
        return first;
    }

    /** A training batch completed; {@code stepped} when it ended an accumulation window. */
    void batchCompleted(int batchIdx, boolean stepped) {
        if (stepped) {
            batchesThatStepped++;
        }
        totalBatchIdx++;
        batchesDoneInEpoch = batchIdx + 1L;
    }

    /** The epoch's batches are done (its end hooks may still run). */
    void epochBatchesDone() {
        epochFinished = true;
    }

    /** The epoch ended: the next one begins at the next call of {@link #epochStarted()}. */
    void epochEnded() {
        currentEpoch++;
    }

    /** The loop's own counters, for a full checkpoint's manifest ({@code loop}). */
    void saveLoop(JsonObject manifest) {
        JsonObject loop = new JsonObject();
        loop.addProperty("batches_that_stepped", batchesThatStepped);
        loop.addProperty("batches_done_in_epoch", batchesDoneInEpoch);
        loop.addProperty("epoch_finished", epochFinished);
        loop.addProperty("total_batch_idx", totalBatchIdx);
        manifest.add("loop", loop);
    }

    /** Lightning's epoch and global step, for every checkpoint's manifest. */
    void saveEpochAndStep(JsonObject manifest) {
        manifest.addProperty("epoch", currentEpoch);
        manifest.addProperty("global_step", globalStep);
    }

    /** Restores what {@link #saveEpochAndStep} and {@link #saveLoop} wrote; a finished epoch resumes at the start of the next one. */
    void load(JsonObject manifest) {
        JsonObject loop = manifest.getAsJsonObject("loop");
        boolean finished = loop.get("epoch_finished").getAsBoolean();
        int epoch = manifest.get("epoch").getAsInt();
        currentEpoch = finished ? epoch + 1 : epoch;
        globalStep = manifest.get("global_step").getAsLong();
        batchesThatStepped = loop.get("batches_that_stepped").getAsLong();
        resumeBatch = finished ? 0 : loop.get("batches_done_in_epoch").getAsLong();
        totalBatchIdx = loop.get("total_batch_idx").getAsLong();
    }

    /** Every counter as it stands, for {@link #restore} (a tuner puts them back after its trial fits). */
    record Snapshot(int currentEpoch, long globalStep, long batchesThatStepped, long batchesDoneInEpoch,
                    boolean epochFinished, long totalBatchIdx, long resumeBatch) {}

    Snapshot snapshot() {
        return new Snapshot(currentEpoch, globalStep, batchesThatStepped, batchesDoneInEpoch, epochFinished,
                totalBatchIdx, resumeBatch);
    }

    void restore(Snapshot s) {
        currentEpoch = s.currentEpoch();
        globalStep = s.globalStep();
        batchesThatStepped = s.batchesThatStepped();
        batchesDoneInEpoch = s.batchesDoneInEpoch();
        epochFinished = s.epochFinished();
        totalBatchIdx = s.totalBatchIdx();
        resumeBatch = s.resumeBatch();
    }

    /** The batch of the current epoch a restored fit continues at. */
    long resumeBatch() {
        return resumeBatch;
    }
}
