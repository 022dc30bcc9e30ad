package io.fulmen.wandb;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fulmen.wandb.proto.HistoryItem;
import io.fulmen.wandb.proto.Record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a continued run picks up, read from the complete records of its newest earlier log: the first step it may
 * write (one after the last history step; the earlier run's {@code starting_step} when it wrote none) and the
 * runtime already spent, which the new history's {@code _runtime} continues.
 *
 * @param nextStep       the lowest step the continued run writes
 * @param runtimeSeconds seconds the earlier logs of the run ran
 */
record ResumePoint(long nextStep, double runtimeSeconds) {
    /** A new run: steps from 0, no runtime yet. */
    static final ResumePoint START = new ResumePoint(0, 0);

    static ResumePoint of(Path log) {
        long next = 0;
        double runtime = 0;
        try {
            for (byte[] bytes : LogReader.completeRecords(log)) {
                Record r = Record.parseFrom(bytes);
                switch (r.getRecordTypeCase()) {
                    case RUN -> next = Math.max(next, r.getRun().getStartingStep());
                    case HISTORY -> {
                        next = Math.max(next, r.getHistory().getStep().getNum() + 1);
                        for (HistoryItem item : r.getHistory().getItemList()) {
                            if (item.getNestedKeyList().equals(List.of("_runtime"))) {
                                runtime = Math.max(runtime, Double.parseDouble(item.getValueJson()));
                            }
                        }
                    }
                    case EXIT -> runtime = Math.max(runtime, r.getExit().getRuntime());
                    default -> { }
                }
            }
        } catch (InvalidProtocolBufferException | NumberFormatException e) {
            throw new IllegalStateException("cannot continue the W&B run of " + log + ": a record does not parse", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        return new ResumePoint(next, runtime);
    }
}
