package io.fulmen.wandb;

import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.testkit.PluginTestKit;
import io.fulmen.wandb.proto.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code log_model}: checkpoints go into the run's {@code files/checkpoints/} and files records name them. */
class LogModelTest {
    @TempDir
    Path root;

    private RunContents fit(String logModel) throws Exception {
        try (var model = new PluginTestKit.TinyClassifier(); var trainer = Trainer.builder().defaultRootDir(root)
                .logger("wandb").option("wandb.log_model", logModel).maxEpochs(3).seed(1).enableProgressBar(false)
                .enableModelSummary(false).callbacks(ModelCheckpoint.builder().monitor("val_loss").saveTopK(1)
                        .saveLast(true).build()).build()) {
            trainer.fit(model, Blobs.loader(128, 1), Blobs.loader(64, 2));
        }
        List<Path> folders = RunContents.runFolders(root.resolve("fulmen_logs/version_0/wandb"));
        return RunContents.read(RunContents.log(folders.get(0)));
    }

    private static Set<String> named(RunContents run) {
        return run.records().stream().filter(r -> r.getRecordTypeCase() == Record.RecordTypeCase.FILES)
                .flatMap(r -> r.getFiles().getFilesList().stream()).map(f -> f.getPath())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<String> filesIn(Path runFolder) throws Exception {
        try (Stream<Path> s = Files.walk(runFolder.resolve("files"))) {
            return s.filter(Files::isRegularFile).map(p -> runFolder.resolve("files").relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void allPutsEveryCheckpointIntoTheRunAsItIsSaved() throws Exception {
        RunContents run = fit("all");
        Set<String> named = named(run);
        assertTrue(named.size() >= 4, "three epochs' checkpoints and last.ckpt: " + named);
        assertTrue(named.contains("checkpoints/last.ckpt"), named.toString());
        Path folder = RunContents.runFolders(root.resolve("fulmen_logs/version_0/wandb")).get(0);
        assertEquals(named, filesIn(folder), "every named file is there, and the run keeps removed checkpoints");
    }

    @Test
    void truePutsTheKeptCheckpointsIntoTheRunAtTheEnd() throws Exception {
        RunContents run = fit("true");
        Set<String> named = named(run);
        Path checkpoints = root.resolve("fulmen_logs/version_0/checkpoints");
        Set<String> kept;
        try (Stream<Path> s = Files.list(checkpoints)) {
            kept = s.map(p -> "checkpoints/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(kept, named, "the best and the last checkpoint, named once the fit succeeded");
        int firstFiles = run.records().indexOf(run.records().stream()
                .filter(r -> r.getRecordTypeCase() == Record.RecordTypeCase.FILES).findFirst().orElseThrow());
        assertTrue(run.records().subList(firstFiles, run.records().size()).stream()
                .allMatch(r -> r.getRecordTypeCase() == Record.RecordTypeCase.FILES
                        || r.getRecordTypeCase() == Record.RecordTypeCase.EXIT), "after the last row");
    }
}
