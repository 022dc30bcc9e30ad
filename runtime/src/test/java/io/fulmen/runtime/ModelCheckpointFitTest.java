package io.fulmen.runtime;

import io.fulmen.data.DataSource;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ModelCheckpoint inside a real fit: files on disk, "last" and "best", and checkpointing on by default. */
class ModelCheckpointFitTest {
    @TempDir
    Path root;

    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Records val_loss after every validation (not the sanity check). */
    static final class ValLosses implements Callback {
        final List<Double> values = new ArrayList<>();

        @Override
        public void onValidationEnd(TrainerView t, LightningModule m) {
            if (!t.isSanityChecking()) {
                values.add(t.callbackMetrics().get("val_loss"));
            }
        }
    }

    @Test
    void topKLastAndResumeFromLast() throws IOException {
        Path dir = root.resolve("ckpts");
        var train = Fixtures.loader(Fixtures.blobs(256, 8, 1), 32, true);
        var val = Fixtures.loader(Fixtures.blobs(128, 8, 2), 64, false);
        ValLosses losses = new ValLosses();
        ModelCheckpoint ckpt = ModelCheckpoint.builder().dirpath(dir).monitor("val_loss").saveTopK(2).saveLast(true)
                .filename("{epoch:02d}-{val_loss:.3f}").build();
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(4)
                .callbacks(losses, ckpt).build()) {
            t.fit(m, train, val);
        }
        assertEquals(4, losses.values.size());
        List<Double> sorted = new ArrayList<>(losses.values);
        sorted.sort(Double::compare);
        Set<String> expected = new TreeSet<>();
        expected.add("last.ckpt");
        for (double best : sorted.subList(0, 2)) {
            int epoch = losses.values.indexOf(best);
            expected.add(String.format(java.util.Locale.ROOT, "epoch=%02d-val_loss=%.3f.ckpt", epoch, best));
        }
        assertEquals(expected, files(dir));
        assertEquals(sorted.get(0), ckpt.bestModelScore(), 1e-12);
        assertTrue(ckpt.bestModelPath().endsWith(String.format(java.util.Locale.ROOT, "val_loss=%.3f.ckpt",
                sorted.get(0))), ckpt.bestModelPath());

        ModelCheckpoint again = ModelCheckpoint.builder().dirpath(dir).monitor("val_loss").saveTopK(2)
                .saveLast(true).filename("{epoch:02d}-{val_loss:.3f}").build();
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(6)
                .callbacks(again).build()) {
            t.fit(m, DataSource.loaders(train, val), CkptPath.LAST);
            assertEquals(6, t.view().currentEpoch());
            assertEquals(6 * 8, t.view().globalStep());
            assertTrue(again.bestKModels().size() == 2, again.bestKModels().toString());
        }
    }

    @Test
    void checkpointingIsOnByDefaultUnderTheLoggersVersion() throws IOException {
        var train = Fixtures.loader(Fixtures.blobs(128, 8, 1), 32, true);
        try (var m = new Fixtures.Classifier(); var t = Trainer.builder().defaultRootDir(root).maxEpochs(2)
                .enableProgressBar(false).enableModelSummary(false).build()) {
            t.fit(m, train);
        }
        assertEquals(Set.of("epoch=1-step=8.ckpt"), files(root.resolve("fulmen_logs/version_0/checkpoints")));
    }

    @Test
    void lastWithNothingToResumeStartsFreshAsLightningDoes() {
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true);
        var val = Fixtures.loader(Fixtures.blobs(32, 8, 2), 16, false);
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(2)
                .enableCheckpointing(true).build()) {
            t.fit(m, DataSource.loaders(train, val), CkptPath.LAST); // the auto-resume idiom on a first run
            assertEquals(8, t.view().globalStep(), "trained from scratch");
        }
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(1).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.fit(m, DataSource.loaders(train, val), CkptPath.LAST));
            assertTrue(e.getMessage().contains("needs a ModelCheckpoint callback"), e.getMessage());
        }
    }
}
