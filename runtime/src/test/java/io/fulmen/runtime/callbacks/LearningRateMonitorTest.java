package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.optim.Interval;
import io.fulmen.optim.Optimizer;
import io.fulmen.spi.ExperimentLogger;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LearningRateMonitorTest {

    private final Map<String, Supplier<Object>> answers = new HashMap<>();
    private final TrainerView trainer = AnsweringTrainerView.of(answers);
    private final LightningModule module = new LightningModule() {
        @Override
        public Block block() {
            return null;
        }
    };
    private final List<String> logged = new ArrayList<>();
    private long globalStep;

    private static final class Named extends Optimizer {
        private final String name;

        Named(String name, float lr) {
            super(lr, null);
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        protected void update(NDArray weight, NDArray grad, ParameterState state) {}
    }

    private final ExperimentLogger logger = new ExperimentLogger() {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public String version() {
            return "0";
        }

        @Override
        public void logHyperparams(Map<String, Object> params) {}

        @Override
        public void logMetrics(Map<String, Double> metrics, long step) {
            logged.add(step + " " + new java.util.TreeMap<>(metrics));
        }
    };

    private void withOptimizers(Optimizer... optimizers) {
        List<LightningOptimizer> list = new ArrayList<>();
        LightningOptimizer.Host host = new LightningOptimizer.Host() {
            @Override
            public void step(LightningOptimizer optimizer, Runnable closure) {}

            @Override
            public void zeroGrad(LightningOptimizer optimizer) {}
        };
        for (int i = 0; i < optimizers.length; i++) {
            list.add(new LightningOptimizer(optimizers[i], i, host));
        }
        answers.put("optimizers", () -> list);
        answers.put("loggers", () -> List.of(logger));
        answers.put("globalStep", () -> globalStep);
    }

    @Test
    void logsOncePerOptimizerStepWithLightningNames() {
        Named adam = new Named("Adam", 1e-3f);
        withOptimizers(adam, new Named("Adam", 0.5f), new Named("SGD", 0.1f));
        LearningRateMonitor monitor = new LearningRateMonitor();
        monitor.setup(trainer, module, Stage.FIT);
        monitor.onTrainEpochStart(trainer, module);
        monitor.onTrainBatchStart(trainer, module, null, 0);
        monitor.onTrainBatchStart(trainer, module, null, 1); // accumulating: same global step
        globalStep = 1;
        adam.setLearningRate(2e-3f);
        monitor.onTrainBatchStart(trainer, module, null, 2);
        assertEquals(List.of(
                "0 {lr-Adam=0.001, lr-Adam-1=0.5, lr-SGD=0.1}",
                "1 {lr-Adam=0.002, lr-Adam-1=0.5, lr-SGD=0.1}"), logged);
    }

    @Test
    void epochIntervalLogsAtEpochStartOnly() {
        withOptimizers(new Named("Adam", 1e-3f));
        LearningRateMonitor monitor = LearningRateMonitor.of("epoch");
        assertEquals(Interval.EPOCH, monitor.interval());
        monitor.setup(trainer, module, Stage.FIT);
        globalStep = 5;
        monitor.onTrainEpochStart(trainer, module);
        monitor.onTrainBatchStart(trainer, module, null, 0);
        assertEquals(List.of("5 {lr-Adam=0.001}"), logged);
    }

    @Test
    void fitWithoutLoggerFails() {
        LearningRateMonitor monitor = new LearningRateMonitor(Interval.STEP);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> monitor.setup(trainer, module, Stage.FIT));
        assertEquals("Cannot use `LearningRateMonitor` callback with `Trainer` that has no logger.", e.getMessage());
        monitor.setup(trainer, module, Stage.TEST);
        assertThrows(IllegalArgumentException.class, () -> LearningRateMonitor.of("batch"));
    }
}
