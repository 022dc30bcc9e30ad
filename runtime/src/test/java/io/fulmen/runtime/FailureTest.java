package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A step that throws: the error reaches the caller and callbacks, loggers end FAILED once, the Trainer stays usable. */
class FailureTest {
    @TempDir
    Path root;

    static final class Recording implements ExperimentLogger {
        final List<RunStatus> finished = new ArrayList<>();
        int metricsAfterFinish;

        @Override public String name() { return "recording"; }
        @Override public String version() { return "0"; }
        @Override public void logHyperparams(Map<String, Object> params) { }

        @Override
        public void logMetrics(Map<String, Double> metrics, long step) {
            if (!finished.isEmpty()) {
                metricsAfterFinish++;
            }
        }

        @Override
        public void finish(RunStatus status) {
            finished.add(status);
        }
    }

    static final class Exploding extends Fixtures.Classifier {
        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            if (batchIdx == 2) {
                throw new IllegalStateException("boom at batch 2");
            }
            return super.trainingStep(batch, batchIdx);
        }
    }

    @Test
    void aFailingStepEndsTheLoggersOnceAndLeavesTheTrainerUsable() {
        Recording logger = new Recording();
        List<Throwable> seen = new ArrayList<>();
        Callback watcher = new Callback() {
            @Override
            public void onException(TrainerView t, LightningModule m, Throwable error) {
                seen.add(error);
            }
        };
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 2), 32, false);
        try (var m = new Exploding(); var t = Trainer.builder().defaultRootDir(root).logger(logger)
                .logEveryNSteps(1).enableProgressBar(false).enableModelSummary(false).enableCheckpointing(false)
                .maxEpochs(2).callbacks(watcher).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> t.fit(m, Fixtures.loader(Fixtures.blobs(128, 8, 1), 16, false), val));
            assertEquals("boom at batch 2", e.getMessage());
            assertEquals(1, seen.size());
            assertSame(e, seen.get(0));
            assertEquals(List.of(RunStatus.FAILED), logger.finished);
            assertEquals(2, t.view().globalStep());
            var metrics = t.validate(m, val).get(0);
            assertEquals(true, metrics.containsKey("val_loss"));
        }
        assertEquals(List.of(RunStatus.FAILED), logger.finished);
        assertEquals(0, logger.metricsAfterFinish);
    }
}
