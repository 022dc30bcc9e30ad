package io.fulmen.runtime.callbacks;

import ai.djl.nn.Block;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.spi.ExperimentLogger;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {

    private final Map<String, Supplier<Object>> answers = new HashMap<>();
    private final TrainerView trainer = AnsweringTrainerView.of(answers);
    private final LightningModule module = new LightningModule() {
        @Override
        public Block block() {
            return null;
        }
    };

    private static ExperimentLogger logger(String version) {
        return new ExperimentLogger() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public void logHyperparams(Map<String, Object> params) {}

            @Override
            public void logMetrics(Map<String, Double> metrics, long step) {}
        };
    }

    @Test
    void plainOutputPrintsOneLinePerEpochWithMetrics() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 3600);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", 0.123456);
        answers.put("maxEpochs", () -> 10);
        answers.put("currentEpoch", () -> 3);
        answers.put("numTrainingBatches", () -> 4L);
        answers.put("stage", () -> Stage.FIT);
        answers.put("progressBarMetrics", () -> metrics);
        answers.put("loggers", () -> List.of(logger("version_2")));

        bar.setup(trainer, module, Stage.FIT);
        bar.onTrainEpochStart(trainer, module);
        for (int i = 0; i < 4; i++) {
            bar.onTrainBatchEnd(trainer, module, null, null, i);
        }
        bar.onValidationStart(trainer, module);
        bar.onValidationBatchEnd(trainer, module, null, 0, 0);
        metrics.put("val_acc", 0.9);
        bar.onValidationEnd(trainer, module);
        bar.onTrainEpochEnd(trainer, module);
        bar.onTrainEnd(trainer, module);

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertTrue(line.startsWith("Epoch 3/9: 100%|##########| 4/4 ["), line);
        assertTrue(line.endsWith(", v_num=2, train_loss=0.1235, val_acc=0.9]"), line);
    }

    @Test
    void interactiveOutputRedrawsOneLineAndEndsItAtEpochEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        answers.put("maxEpochs", () -> -1);
        answers.put("numTrainingBatches", () -> -1L);
        answers.put("stage", () -> Stage.FIT);

        bar.setup(trainer, module, Stage.FIT);
        bar.onTrainEpochStart(trainer, module);
        bar.onTrainBatchEnd(trainer, module, null, null, 0);
        bar.onTrainEpochEnd(trainer, module);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rEpoch 0: 0 [00:00, ?it/s]"), out);
        assertTrue(out.contains("\rEpoch 0: 1 [00:00, "), out);
        assertTrue(out.endsWith("]\n") || out.endsWith(" \n"), out);
        assertEquals(1, out.split("\n", -1).length - 1, out);
    }

    @Test
    void testingShowsATestingLineAndSanityCheckShowsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        answers.put("isSanityChecking", () -> true);
        bar.setup(trainer, module, Stage.FIT);
        bar.onValidationStart(trainer, module);
        bar.onValidationBatchEnd(trainer, module, null, 0, 0);
        bar.onValidationEnd(trainer, module);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));

        answers.put("isSanityChecking", () -> false);
        answers.put("stage", () -> Stage.TEST);
        bar.setup(trainer, module, Stage.TEST);
        bar.onTestStart(trainer, module);
        bar.onTestBatchEnd(trainer, module, null, 0, 0);
        bar.onTestBatchEnd(trainer, module, null, 1, 0);
        bar.onTestEnd(trainer, module);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("Testing: 2 [00:00, "), out);
        assertEquals(1, out.lines().count(), out);
    }

    @Test
    void numbersHaveFourSignificantDigits() {
        assertEquals("0.1235", ProgressBar.formatNumber(0.123456));
        assertEquals("3", ProgressBar.formatNumber(3.0));
        assertEquals("0.5", ProgressBar.formatNumber(0.5));
        assertEquals("1.235e+4", ProgressBar.formatNumber(12345.6));
        assertEquals("1e-5", ProgressBar.formatNumber(1e-5));
        assertEquals("0.0001234", ProgressBar.formatNumber(0.00012345));
        assertEquals("-2.5", ProgressBar.formatNumber(-2.5));
        assertEquals("nan", ProgressBar.formatNumber(Double.NaN));
        assertEquals("01:05", ProgressBar.interval(65.4));
        assertEquals("1:00:00", ProgressBar.interval(3600));
    }
}
