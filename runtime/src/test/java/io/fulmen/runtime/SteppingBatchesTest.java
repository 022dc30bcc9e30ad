package io.fulmen.runtime;

import io.fulmen.TrainerView;
import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What configureOptimizers can read to size a per-step schedule, as Lightning's estimated_stepping_batches. */
class SteppingBatchesTest {
    @TempDir
    Path root;

    /** Sizes a cosine schedule from the Trainer, recording what it read. */
    static final class Sized extends Fixtures.Classifier {
        long estimated = -2;
        int maxEpochs = -2;
        long batches = -2;

        @Override
        public OptimizerConfig configureOptimizers() {
            TrainerView t = trainer();
            estimated = t.estimatedSteppingBatches();
            maxEpochs = t.maxEpochs();
            batches = t.numTrainingBatches();
            return OptimizerConfig.of(optimizer.get())
                    .withScheduler(Schedules.cosine((int) estimated, 1e-5f), Interval.STEP);
        }
    }

    @Test
    void configureOptimizersKnowsTheStepsFitWillTake() {
        var train = Fixtures.loader(Fixtures.blobs(72, 8, 1), 16, true); // 5 batches, the last one short
        try (var m = new Sized(); var t = Fixtures.quietTrainer(root).maxEpochs(3).accumulateGradBatches(2)
                .build()) {
            t.fit(m, train);
            assertEquals(3, m.maxEpochs);
            assertEquals(5, m.batches);
            assertEquals(9, m.estimated, "ceil(5 / 2) steps per epoch for 3 epochs");
            assertEquals(9, t.view().globalStep(), "the estimate is what fit then did");
        }
    }

    @Test
    void maxStepsCapsTheEstimateAndLimitsApply() {
        var train = Fixtures.loader(Fixtures.blobs(160, 8, 1), 16, true);
        try (var m = new Sized(); var t = Fixtures.quietTrainer(root).maxEpochs(4).maxSteps(7)
                .limitTrainBatches(0.5).build()) {
            t.fit(m, train);
            assertEquals(5, m.batches, "limit_train_batches=0.5 of 10");
            assertEquals(7, m.estimated, "min(4 x 5, max_steps 7)");
        }
        try (var m = new Sized(); var t = Fixtures.quietTrainer(root).maxEpochs(-1).maxSteps(-1).build()) {
            assertEquals(-1, t.view().estimatedSteppingBatches(), "unbounded training");
        }
    }
}
