package io.fulmen.wandb;

import io.fulmen.runtime.Trainer;
import io.fulmen.spi.ProviderContext;
import io.fulmen.testkit.PluginTestKit;
import io.fulmen.wandb.proto.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real fits with the W&B logger: every logged value lands once in history at its step, with config and summary. */
class WandbFitTest {
    @TempDir
    Path root;

    @Test
    void everyLoggedValueAppearsOnceInHistoryAtItsStep() throws Exception {
        WandbLoggerProvider provider = new WandbLoggerProvider();
        WandbLogger wandb = (WandbLogger) provider.create(ProviderContext.of(root).withOptions(provider, Map.of(
                "project", "fit-test", "name", "first", "tags", "a, b", "group", "g", "job_type", "train",
                "config.batch", "32", "config.note", "blobs")));
        Recorder recorder = new Recorder();
        double before = System.currentTimeMillis() / 1000.0;
        try (var model = new PluginTestKit.TinyClassifier(); var trainer = Trainer.builder().defaultRootDir(root)
                .logger(wandb, recorder).maxEpochs(2).seed(1).logEveryNSteps(1).enableProgressBar(false)
                .enableModelSummary(false).enableCheckpointing(false).build()) {
            trainer.fit(model, Blobs.loader(256, 1), Blobs.loader(64, 2));
        }
        double after = System.currentTimeMillis() / 1000.0;
        List<Path> folders = RunContents.runFolders(root.resolve("fulmen_logs/version_0/wandb"));
        assertEquals(1, folders.size(), folders.toString());
        assertTrue(Files.isDirectory(folders.get(0).resolve("files")), "wandb sync needs files/");
        RunContents contents = RunContents.read(RunContents.log(folders.get(0)));

        var runRecord = contents.run().getRun();
        assertTrue(runRecord.getRunId().matches("[a-z0-9]{8}"), runRecord.getRunId());
        assertTrue(folders.get(0).getFileName().toString().matches("offline-run-\\d{8}_\\d{6}-" + runRecord.getRunId()));
        assertEquals("fit-test", runRecord.getProject());
        assertEquals("first", runRecord.getDisplayName());
        assertEquals(List.of("a", "b"), runRecord.getTagsList());
        assertEquals("g", runRecord.getRunGroup());
        assertEquals("train", runRecord.getJobType());
        assertEquals(0, contents.exit().getExit().getExitCode());
        assertTrue(contents.exit().getControl().getAlwaysSend());

        assertEquals(Map.of("batch", "32", "note", "\"blobs\"", "hidden", "16", "lr", "0.01"), contents.config());

        Map<Long, Map<String, Double>> written = new TreeMap<>();
        contents.history().forEach((step, row) -> row.forEach((k, v) -> {
            if (!k.startsWith("_")) {
                written.computeIfAbsent(step, s -> new TreeMap<>()).put(k, Double.parseDouble(v));
            }
        }));
        Map<Long, Map<String, Double>> logged = new TreeMap<>();
        recorder.metrics.forEach((step, row) -> logged.put(step, new TreeMap<>(row)));
        assertEquals(16, logged.keySet().stream().filter(s -> logged.get(s).containsKey("train_loss")).count());
        assertTrue(logged.values().stream().anyMatch(r -> r.containsKey("val_loss")), logged.toString());
        assertEquals(logged, written, "every logged value once, at its step, and nothing else");

        double runtime = -1;
        for (Map<String, String> row : contents.history().values()) {
            double t = Double.parseDouble(row.get("_timestamp"));
            assertTrue(t >= before - 1 && t <= after + 1, "timestamp " + t);
            double r = Double.parseDouble(row.get("_runtime"));
            assertTrue(r >= runtime, "runtime increases");
            runtime = r;
        }

        Map<String, String> expectedSummary = new TreeMap<>();
        contents.history().values().forEach(expectedSummary::putAll);
        assertEquals(expectedSummary, new TreeMap<>(contents.summary()), "the summary holds each key's latest value");
        assertTrue(contents.records().stream().filter(r -> r.getRecordTypeCase() == Record.RecordTypeCase.SUMMARY)
                .count() == contents.history().size(), "one summary update per history row");
    }

    @Test
    void theLoggerWorksByNameWithItsOptions() throws Exception {
        PluginTestKit.fit(root, b -> b.logger("wandb").option("wandb.save_dir", "runs").option("wandb.id", "abc123")
                .option("wandb.prefix", "p"));
        List<Path> folders = RunContents.runFolders(root.resolve("runs/wandb"));
        assertEquals(1, folders.size());
        assertTrue(folders.get(0).getFileName().toString().endsWith("-abc123"));
        RunContents contents = RunContents.read(folders.get(0).resolve("run-abc123.wandb"));
        assertEquals("abc123", contents.run().getRun().getRunId());
        assertEquals(0, contents.exit().getExit().getExitCode());
        assertTrue(contents.summary().containsKey("p-train_loss"), contents.summary().keySet().toString());
        assertTrue(Files.isSymbolicLink(root.resolve("runs/wandb/latest-run")));
        assertEquals(folders.get(0).toRealPath(), root.resolve("runs/wandb/latest-run").toRealPath());
    }
}
