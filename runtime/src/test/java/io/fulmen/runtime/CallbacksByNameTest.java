package io.fulmen.runtime;

import io.fulmen.callback.Callback;
import io.fulmen.optim.Interval;
import io.fulmen.runtime.callbacks.EarlyStopping;
import io.fulmen.runtime.callbacks.LearningRateMonitor;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.runtime.callbacks.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code callbacks("early_stopping")} with {@code option("early_stopping.<key>", value)}: callbacks by name. */
class CallbacksByNameTest {
    @TempDir
    Path root;

    private TrainerBuilder quiet() {
        return Fixtures.quietTrainer(root);
    }

    @Test
    void aNamedCallbackIsCreatedWithItsTypedOptions() {
        try (Trainer t = quiet().callbacks("early_stopping").option("early_stopping.monitor", "val_acc")
                .option("early_stopping.patience", "1").option("early_stopping.mode", "MAX")
                .option("early_stopping.min_delta", "0.01").option("early_stopping.stopping_threshold", "0.99")
                .build()) {
            EarlyStopping es = assertInstanceOf(EarlyStopping.class, t.callbacks().get(0));
            assertEquals("val_acc", es.monitor());
            assertEquals(1, es.patience());
            assertEquals("max", es.mode());
            assertEquals(0.01, es.minDelta());
            assertEquals(0.99, es.stoppingThreshold());
            assertEquals(null, es.checkOnTrainEpochEnd());
        }
    }

    @Test
    void namesAndInstancesRunInTheOrderGiven() {
        Callback first = new Callback() {};
        Callback last = new Callback() {};
        try (Trainer t = quiet().callbacks(first).callbacks("timer", "learning_rate_monitor").callbacks(last)
                .option("timer.duration", "00:00:05:00").option("learning_rate_monitor.logging_interval", "epoch")
                .build()) {
            List<Callback> callbacks = t.callbacks();
            assertSame(first, callbacks.get(0));
            Timer timer = assertInstanceOf(Timer.class, callbacks.get(1));
            assertEquals(Duration.ofMinutes(5), timer.remaining());
            assertEquals(Interval.EPOCH, assertInstanceOf(LearningRateMonitor.class, callbacks.get(2)).interval());
            assertSame(last, callbacks.get(3));
        }
    }

    @Test
    void aNamedCheckpointCallbackReplacesTheDefaultOne() {
        try (Trainer t = quiet().enableCheckpointing(true).callbacks("model_checkpoint")
                .option("model_checkpoint.monitor", "val_loss").option("model_checkpoint.save_top_k", "2")
                .option("model_checkpoint.save_last", "true").option("model_checkpoint.dirpath", root.toString())
                .build()) {
            List<ModelCheckpoint> checkpoints = t.callbacks().stream().filter(c -> c instanceof ModelCheckpoint)
                    .map(c -> (ModelCheckpoint) c).toList();
            assertEquals(1, checkpoints.size());
            assertEquals(2, checkpoints.get(0).saveTopK());
            assertEquals("val_loss", checkpoints.get(0).monitor());
            assertTrue(checkpoints.get(0).saveLast());
        }
    }

    @Test
    void earlyStoppingByNameStopsARealFit() {
        try (Trainer t = quiet().maxEpochs(20).callbacks("early_stopping")
                .option("early_stopping.monitor", "val_loss").option("early_stopping.patience", "0")
                .option("early_stopping.min_delta", "1000").build();
             var model = new Fixtures.Classifier()) {
            t.fit(model, Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, false),
                    Fixtures.loader(Fixtures.blobs(32, 8, 2), 16, false));
            EarlyStopping es = (EarlyStopping) t.callbacks().get(0);
            assertEquals(EarlyStopping.StoppingReason.PATIENCE_EXHAUSTED, es.stoppingReason());
            assertEquals(1, es.stoppedEpoch(), "the first check sets the best score, the second stops");
        }
    }

    @Test
    void aMissingRequiredOptionAndAnUnknownNameFailTheBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> quiet().callbacks("early_stopping").build());
        assertTrue(e.getMessage().startsWith("Option 'early_stopping.monitor' is required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> quiet().callbacks("early_stoping").build());
        assertTrue(e.getMessage().startsWith("Unknown callback 'early_stoping'. Did you mean 'early_stopping'? "
                + "Available: early_stopping, model_checkpoint, learning_rate_monitor, timer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> quiet().option("early_stopping.patience", "3")
                .build());
        assertTrue(e.getMessage().contains("'early_stopping' is a callback this Trainer does not use"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> quiet().callbacks("timer")
                .option("timer.duration", "soon").build());
        assertTrue(e.getMessage().startsWith("Invalid value 'soon' for option 'timer.duration': expected a "
                + "duration"), e.getMessage());
    }
}
