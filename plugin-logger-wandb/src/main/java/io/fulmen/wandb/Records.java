package io.fulmen.wandb;

import com.google.protobuf.Timestamp;
import io.fulmen.wandb.proto.ConfigItem;
import io.fulmen.wandb.proto.ConfigRecord;
import io.fulmen.wandb.proto.Control;
import io.fulmen.wandb.proto.FilesItem;
import io.fulmen.wandb.proto.FilesRecord;
import io.fulmen.wandb.proto.HeaderRecord;
import io.fulmen.wandb.proto.HistoryItem;
import io.fulmen.wandb.proto.HistoryRecord;
import io.fulmen.wandb.proto.HistoryStep;
import io.fulmen.wandb.proto.Record;
import io.fulmen.wandb.proto.RunExitRecord;
import io.fulmen.wandb.proto.RunRecord;
import io.fulmen.wandb.proto.SummaryItem;
import io.fulmen.wandb.proto.SummaryRecord;

import java.util.List;
import java.util.Map;

/**
 * The {@code wandb_internal.Record}s of an offline run, without their number (the writer numbers them in file
 * order). Values are JSON text ({@link JsonValues}). History items name their key in {@code nested_key}, as
 * wandb-core writes them; config and summary items in {@code key}, as the SDK does for flat keys.
 */
final class Records {
    /** What the header record names as the log's producer. */
    static final String PRODUCER = "fulmen-plugin-logger-wandb";

    private Records() {}

    static Record.Builder header() {
        return Record.newBuilder().setHeader(HeaderRecord.newBuilder()
                .setVersionInfo(HeaderRecord.VersionInfo.newBuilder().setProducer(PRODUCER)));
    }

    /**
     * The run record. {@code control.mailbox_slot} must not be empty: {@code wandb sync} waits for the reply to the
     * run record, and only a record with a mailbox slot gets one.
     */
    static Record.Builder run(RunInfo info, Map<String, String> config, long startingStep) {
        RunRecord.Builder run = RunRecord.newBuilder().setRunId(info.id()).setProject(info.project())
                .setEntity(info.entity()).setDisplayName(info.displayName()).setRunGroup(info.group())
                .setJobType(info.jobType()).setNotes(info.notes()).addAllTags(info.tags()).setHost(info.host())
                .setStartingStep(startingStep).setConfig(config(config).getConfig())
                .setStartTime(timestamp(info.startMillis()));
        return Record.newBuilder().setRun(run).setControl(Control.newBuilder().setMailboxSlot("fulmen-" + info.id()));
    }

    static Record.Builder config(Map<String, String> updates) {
        ConfigRecord.Builder c = ConfigRecord.newBuilder();
        updates.forEach((k, v) -> c.addUpdate(ConfigItem.newBuilder().setKey(k).setValueJson(v)));
        return Record.newBuilder().setConfig(c);
    }

    static Record.Builder history(long step, Map<String, String> items) {
        HistoryRecord.Builder h = HistoryRecord.newBuilder().setStep(HistoryStep.newBuilder().setNum(step));
        items.forEach((k, v) -> h.addItem(HistoryItem.newBuilder().addNestedKey(k).setValueJson(v)));
        return Record.newBuilder().setHistory(h);
    }

    static Record.Builder summary(Map<String, String> updates) {
        SummaryRecord.Builder s = SummaryRecord.newBuilder();
        updates.forEach((k, v) -> s.addUpdate(SummaryItem.newBuilder().setKey(k).setValueJson(v)));
        return Record.newBuilder().setSummary(s);
    }

    /** Files under the run's {@code files/}, by their path relative to it, uploaded as soon as sync meets them. */
    static Record.Builder files(List<String> paths) {
        FilesRecord.Builder f = FilesRecord.newBuilder();
        paths.forEach(p -> f.addFiles(FilesItem.newBuilder().setPath(p).setPolicy(FilesItem.PolicyType.NOW)));
        return Record.newBuilder().setFiles(f);
    }

    static Record.Builder exit(int exitCode, double runtimeSeconds) {
        return Record.newBuilder().setExit(RunExitRecord.newBuilder().setExitCode(exitCode)
                .setRuntime((int) Math.min(Integer.MAX_VALUE, Math.round(runtimeSeconds))))
                .setControl(Control.newBuilder().setAlwaysSend(true));
    }

    static Timestamp timestamp(long millis) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000))
                .setNanos(Math.floorMod(millis, 1000) * 1_000_000).build();
    }
}
