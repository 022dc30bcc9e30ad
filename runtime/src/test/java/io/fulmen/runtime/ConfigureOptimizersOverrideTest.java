package io.fulmen.runtime;

import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Schedules;
import io.fulmen.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code TrainerBuilder.configureOptimizers}: the Trainer's optimizers in place of the module's (LightningCLI's
 * {@code optimizer}/{@code lr_scheduler}), fresh for every fit, and enough for a module without the hook.
 */
class ConfigureOptimizersOverrideTest {
    @TempDir
    Path root;

    @Test
    void aModuleWithoutTheHookFitsWithTheTrainersOptimizersBuiltOncePerFit() {
        var loader = Fixtures.loader(Fixtures.blobs(32, 8, 1), 8, false);
        List<Sgd> built = new ArrayList<>();
        try (var m = new MissingHookTest.TrainOnly();
             var t = Fixtures.quietTrainer(root).maxEpochs(3).configureOptimizers(() -> {
                 Sgd sgd = Sgd.builder().lr(0.1f).build();
                 built.add(sgd);
                 return OptimizerConfig.of(sgd).withScheduler(Schedules.step(1, 0.5f), Interval.EPOCH);
             }).build()) {
            t.fit(m, loader);
            assertEquals(1, built.size(), "one optimizer per fit");
            assertEquals(0.0125f, built.get(0).learningRate(), 1e-7f, "halved after each of 3 epochs");
            assertEquals(12, t.view().globalStep());
            t.fit(m, loader);
            assertEquals(2, built.size(), "a second fit builds fresh optimizers");
        }
    }
}
