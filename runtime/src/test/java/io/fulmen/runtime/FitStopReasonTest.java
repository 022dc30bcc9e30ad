package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.loop.TrainerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fit says why it stopped, in Lightning's words, also when there was nothing to do. */
class FitStopReasonTest {
    @TempDir
    Path root;

    private static String reason(Trainer t) {
        return ((TrainerState) t.view()).fitStopReason();
    }

    @Test
    void maxEpochsAndASecondFitOnAFinishedTrainer() {
        var train = Fixtures.loader(Fixtures.blobs(32, 8, 1), 16, true);
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(2).build()) {
            t.fit(m, train);
            assertEquals("`max_epochs=2` reached", reason(t));
            t.fit(m, train);
            assertEquals(4, t.view().globalStep(), "the second fit had nothing left to do");
            assertEquals("`max_epochs=2` reached", reason(t));
        }
    }

    @Test
    void maxStepsMaxEpochsZeroAndAStopRequest() {
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, true);
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxSteps(3).build()) {
            t.fit(m, train);
            assertEquals("`max_steps=3` reached", reason(t));
        }
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(0).build()) {
            t.fit(m, train);
            assertEquals("`max_epochs=0` reached", reason(t));
            assertEquals(0, t.view().globalStep());
        }
        Callback stopper = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView v, LightningModule m, NDArray loss, Batch b, int i) {
                v.requestStop();
            }
        };
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(5).callbacks(stopper)
                .build()) {
            t.fit(m, train);
            assertTrue(reason(t).startsWith("a stop was requested"), reason(t));
            assertEquals(1, t.view().globalStep());
        }
    }
}
