package io.fulmen.wandb;

import io.fulmen.wandb.proto.ConfigItem;
import io.fulmen.wandb.proto.HistoryItem;
import io.fulmen.wandb.proto.Record;
import io.fulmen.wandb.proto.SummaryItem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a run log says, read with the {@link StrictLogReader} and checked for the record order {@code wandb sync}
 * needs: header, run (with a mailbox slot and a start time), then config, files, history and summary records, with
 * history steps strictly increasing and {@code _step} equal to the step; an exit record, if any, last.
 */
record RunContents(List<Record> records, Map<Long, Map<String, String>> history, Map<String, String> config,
                   Map<String, String> summary, Record run, Record exit) {

    static RunContents read(Path log) throws IOException {
        return of(StrictLogReader.read(log).records());
    }

    static RunContents of(List<Record> records) {
        assertTrue(records.size() >= 2, "a header and a run record at least");
        assertEquals(Record.RecordTypeCase.HEADER, records.get(0).getRecordTypeCase());
        Record run = records.get(1);
        assertEquals(Record.RecordTypeCase.RUN, run.getRecordTypeCase());
        assertFalse(run.getControl().getMailboxSlot().isEmpty(), "wandb sync waits forever without a mailbox slot");
        assertTrue(run.getRun().getStartTime().getSeconds() > 0, "start_time is set");
        Map<Long, Map<String, String>> history = new TreeMap<>();
        Map<String, String> config = new LinkedHashMap<>();
        Map<String, String> summary = new LinkedHashMap<>();
        run.getRun().getConfig().getUpdateList().forEach(i -> config.put(i.getKey(), i.getValueJson()));
        Record exit = null;
        long lastStep = Long.MIN_VALUE;
        for (Record r : records.subList(2, records.size())) {
            assertTrue(exit == null, "nothing after the exit record");
            switch (r.getRecordTypeCase()) {
                case HISTORY -> {
                    long step = r.getHistory().getStep().getNum();
                    assertTrue(step > lastStep, "steps increase: " + step + " after " + lastStep);
                    lastStep = step;
                    Map<String, String> row = new LinkedHashMap<>();
                    for (HistoryItem item : r.getHistory().getItemList()) {
                        assertTrue(item.getKey().isEmpty() && item.getNestedKeyCount() == 1, "nested_key only");
                        assertTrue(row.put(item.getNestedKey(0), item.getValueJson()) == null, "a key once a row");
                    }
                    assertEquals(Long.toString(step), row.get("_step"));
                    assertTrue(row.containsKey("_runtime") && row.containsKey("_timestamp"), row.toString());
                    history.put(step, row);
                }
                case SUMMARY -> {
                    for (SummaryItem item : r.getSummary().getUpdateList()) {
                        summary.put(item.getKey(), item.getValueJson());
                    }
                }
                case CONFIG -> {
                    for (ConfigItem item : r.getConfig().getUpdateList()) {
                        config.put(item.getKey(), item.getValueJson());
                    }
                }
                case EXIT -> exit = r;
                case FILES -> { }
                default -> throw new AssertionError("unexpected record " + r.getRecordTypeCase());
            }
        }
        return new RunContents(records, history, config, summary, run, exit);
    }

    /** The only run folder under {@code wandbDir}, or the only one of {@code id}. */
    static List<Path> runFolders(Path wandbDir) throws IOException {
        try (Stream<Path> s = Files.list(wandbDir)) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().startsWith("offline-run-")).sorted()
                    .toList());
        }
    }

    static Path log(Path runFolder) {
        String name = runFolder.getFileName().toString();
        return runFolder.resolve("run-" + name.substring(name.lastIndexOf('-') + 1) + ".wandb");
    }
}
