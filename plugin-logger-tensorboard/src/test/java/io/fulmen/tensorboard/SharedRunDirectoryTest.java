package io.fulmen.tensorboard;

import ai.djl.ndarray.types.Shape;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.logging.RunDirectory;
import io.fulmen.runtime.CkptPath;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.RunStatus;
import io.fulmen.tensorboard.proto.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TensorBoard and CSV loggers of one Trainer share its run directory with the checkpoints. */
class SharedRunDirectoryTest {
    private static final int STEPS_PER_EPOCH = 4;

    @TempDir
    Path root;

    private static DataLoader data() {
        SplittableRandom rng = new SplittableRandom(4);
        float[] x = new float[64 * 3];
        float[] y = new float[64];
        for (int i = 0; i < 64; i++) {
            for (int f = 0; f < 3; f++) {
                x[i * 3 + f] = (float) rng.nextGaussian();
            }
            y[i] = 2 * x[i * 3] - x[i * 3 + 1] + 0.5f;
        }
        TensorDataset ds = TensorDataset.builder().data(x, new Shape(3)).labels(y, new Shape(1)).build();
        return DataLoader.of(ds).batchSize(16).build();
    }

    private TrainerBuilder trainer(int epochs) {
        return Trainer.builder().defaultRootDir(root).maxEpochs(epochs).logEveryNSteps(1)
                .enableProgressBar(false).enableModelSummary(false);
    }

    private Path version(int n) {
        return root.resolve("fulmen_logs").resolve("version_" + n);
    }

    private static List<Path> eventFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
    }

    private static TreeSet<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void csvAndTensorBoardByNameWriteOneVersionWithTheCheckpoints() throws Exception {
        try (var module = new TensorBoardFitTest.Regression();
             var t = trainer(1).logger("csv", "tensorboard").build()) {
            t.fit(module, data());
            assertEquals(version(0), t.view().logDir());
            for (ExperimentLogger logger : t.view().loggers()) {
                assertEquals(version(0), logger.logDir(), logger.name());
                assertEquals("version_0", logger.version(), logger.name());
            }
        }
        TreeSet<String> files = names(version(0));
        assertTrue(files.containsAll(List.of("metrics.csv", "hparams.yaml", "checkpoints")), files.toString());
        assertEquals(1, eventFiles(version(0)).size(), files.toString());
        assertTrue(Files.isRegularFile(version(0).resolve("checkpoints/epoch=0-step=4.ckpt")));
        assertEquals(List.of("version_0"), List.copyOf(names(root.resolve("fulmen_logs"))));

        try (var module = new TensorBoardFitTest.Regression(); var t = trainer(1).build()) {
            t.fit(module, data());
            assertEquals(version(1), t.view().logDir(), "the next Trainer's run: " + t.view().loggers());
        }
        assertEquals(1, eventFiles(version(1)).size());
        assertTrue(Files.isRegularFile(version(1).resolve("checkpoints/epoch=0-step=4.ckpt")));
    }

    @Test
    void lastContinuesTheRunInItsFolderWithANewEventFileAndTheSameMetricsFile() throws Exception {
        try (var module = new TensorBoardFitTest.Regression(); var a = trainer(2).logger("csv", "tensorboard")
                .callbacks(ModelCheckpoint.builder().saveLast(true).build()).build()) {
            a.fit(module, data());
        }
        List<String> rowsOfA = Files.readAllLines(version(0).resolve("metrics.csv"), StandardCharsets.UTF_8);
        try (var module = new TensorBoardFitTest.Regression(); var b = trainer(3).logger("csv", "tensorboard")
                .callbacks(ModelCheckpoint.builder().saveLast(true).build()).build()) {
            b.fit(module, data(), CkptPath.LAST);
            assertEquals(3, b.view().currentEpoch());
            assertEquals(3 * STEPS_PER_EPOCH, b.view().globalStep());
        }
        assertFalse(Files.exists(version(1)));
        List<Path> events = eventFiles(version(0));
        assertEquals(2, events.size(), events.toString());
        TreeSet<Long> firstSteps = new TreeSet<>();
        for (Path file : events) {
            firstSteps.add(TfEventsReader.read(file).events().stream()
                    .filter(e -> e.getSummary().getValueList().stream()
                            .anyMatch(v -> v.getTag().equals("train_loss_step")))
                    .mapToLong(Event::getStep).min().orElseThrow());
        }
        assertEquals(List.of(0L, 2L * STEPS_PER_EPOCH), List.copyOf(firstSteps), "B's event file starts where A's "
                + "stopped");
        List<String> rows = Files.readAllLines(version(0).resolve("metrics.csv"), StandardCharsets.UTF_8);
        assertEquals(rowsOfA, rows.subList(0, rowsOfA.size()));
        assertTrue(rows.size() > rowsOfA.size(), rows.toString());
    }

    @Test
    void loggersByNameJoinTheRunDirectoryOfAHandBuiltLogger() throws Exception {
        RunDirectory run = RunDirectory.under(root, "experiment");
        try (var module = new TensorBoardFitTest.Regression(); var t = trainer(1)
                .logger(TensorBoardLogger.builder(root).runDirectory(run).build()).logger("csv")
                .option("csv.name", "experiment").build()) {
            t.fit(module, data());
            assertEquals(root.resolve("experiment/version_0"), t.view().logDir());
            assertEquals(t.view().logDir(), t.view().loggers().get(1).logDir());
        }
        Path dir = root.resolve("experiment/version_0");
        assertEquals(1, eventFiles(dir).size());
        assertTrue(Files.isRegularFile(dir.resolve("metrics.csv")));
        assertTrue(Files.isDirectory(dir.resolve("checkpoints")));
        assertFalse(Files.exists(root.resolve("fulmen_logs")));
    }

    @Test
    void theBuilderAndTheProviderJoinARunDirectory() {
        RunDirectory run = RunDirectory.under(root);
        TensorBoardLogger built = TensorBoardLogger.builder(root).runDirectory(run).build();
        assertEquals(Optional.of(run), built.runDirectory());
        assertEquals(root.resolve("fulmen_logs"), built.rootDir());
        assertEquals(run.path(), built.logDir());
        assertThrows(IllegalStateException.class, () -> TensorBoardLogger.builder(root).runDirectory(run).version(1)
                .build());
        built.finish(RunStatus.SUCCESS);

        ExperimentLoggerProvider provider = new TensorBoardLoggerProvider();
        ProviderContext context = ProviderContext.of(root.resolve("p"));
        ExperimentLogger byDefault = provider.create(context.withOptions(provider, Map.of()));
        ExperimentLogger named = provider.create(context.withOptions(provider, Map.of("name", "runs")));
        assertEquals(Optional.of(context.runDirectory()), byDefault.runDirectory());
        assertEquals(root.resolve("p/fulmen_logs/version_0"), byDefault.logDir());
        assertEquals(Optional.empty(), named.runDirectory());
        assertEquals(root.resolve("p/runs/version_0"), named.logDir());
        byDefault.finish(RunStatus.SUCCESS);
        named.finish(RunStatus.SUCCESS);
    }
}
