package io.fulmen.runtime;

import com.google.gson.JsonObject;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.callbacks.EarlyStopping;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.runtime.checkpoint.CheckpointReader;
import io.fulmen.runtime.config.TrainerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the Trainer's callbacks and a module's configureCallbacks() are merged and ordered, as Lightning does. */
class CallbackConnectorTest {
    @TempDir
    Path root;

    static class Recorder implements Callback {}

    static final class SpecialRecorder extends Recorder {}

    private static CallbackConnector connector(List<Callback> user, boolean checkpointing) {
        TrainerSettings settings = TrainerSettings.builder().enableProgressBar(false).enableModelSummary(false)
                .enableCheckpointing(checkpointing).build();
        return new CallbackConnector(user, settings, new PrintStream(new ByteArrayOutputStream()), false);
    }

    @Test
    void aModuleCallbackReplacesTrainerCallbacksOfItsClassOrASuperclassAndCheckpointsRunLast() {
        Recorder general = new Recorder();
        Callback other = new Callback() { };
        CallbackConnector c = connector(List.of(general, other), true);
        assertEquals(3, c.callbacks().size());
        assertTrue(c.callbacks().get(2) instanceof ModelCheckpoint, "the default checkpoint callback runs last");

        SpecialRecorder special = new SpecialRecorder();
        EarlyStopping stopping = EarlyStopping.builder("val_loss").build();
        List<Callback> merged = c.withModuleCallbacks(List.of(special, stopping));
        assertEquals(4, merged.size(), merged.toString());
        assertSame(other, merged.get(0));
        assertSame(special, merged.get(1), "a subclass of a Trainer callback's class replaces it");
        assertSame(stopping, merged.get(2));
        assertTrue(merged.get(3) instanceof ModelCheckpoint, "checkpoint callbacks move last after the merge");
    }

    @Test
    void aModuleCheckpointCallbackReplacesTheDefaultOne() {
        CallbackConnector c = connector(List.of(), true);
        ModelCheckpoint mine = ModelCheckpoint.builder().monitor("val_loss").build();
        Recorder after = new Recorder();
        List<Callback> merged = c.withModuleCallbacks(List.of(mine, after));
        assertEquals(List.of(after, mine), merged);
    }

    /** A module whose EarlyStopping comes from configureCallbacks(). */
    static final class StoppingClassifier extends Fixtures.Classifier {
        @Override
        public List<Callback> configureCallbacks() {
            // val_loss never improves by 1e9, so wait_count grows by one per validation after the first.
            return List.of(EarlyStopping.builder("val_loss").patience(100).minDelta(1e9).build());
        }
    }

    @Test
    void theDefaultCheckpointHoldsTheStateOfAModulesEarlyStoppingAfterItsUpdate() throws IOException {
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 32, true);
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 2), 32, false);
        try (var m = new StoppingClassifier(); var t = Fixtures.quietTrainer(root).maxEpochs(3)
                .enableCheckpointing(true).build()) {
            t.fit(m, train, val);
        }
        Path saved;
        try (Stream<Path> files = Files.walk(root)) {
            saved = files.filter(p -> p.toString().endsWith(".ckpt")).findFirst().orElseThrow();
        }
        JsonObject callbacks = CheckpointReader.readManifest(saved).getAsJsonObject("callbacks");
        JsonObject stopping = callbacks.entrySet().stream().filter(e -> e.getKey().startsWith("EarlyStopping"))
                .findFirst().orElseThrow(() -> new AssertionError("no EarlyStopping state in " + callbacks))
                .getValue().getAsJsonObject();
        assertEquals(2, stopping.get("wait_count").getAsInt(),
                "saved at the end of epoch 2, after EarlyStopping counted its second epoch without improvement");
    }
}
