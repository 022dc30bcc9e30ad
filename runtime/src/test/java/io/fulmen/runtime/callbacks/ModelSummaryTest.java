package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSummaryTest {

    private static SequentialBlock mlp() {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    @Test
    void rendersTheChildrenAndTotalsLikeLightning() {
        SequentialBlock block = mlp();
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(1, 28, 28));
            String text = ModelSummary.render(block);
            List<String> lines = text.lines().toList();
            assertEquals("  | Name          | Type        | Params", lines.get(0));
            // Lightning's divider is 3 characters per column plus 3 wider than the header.
            assertEquals("-".repeat(lines.get(0).length() + 6), lines.get(1));
            assertEquals("0 | 01LambdaBlock | LambdaBlock | 0     ", lines.get(2));
            assertEquals("1 | 02Linear      | Linear      | 100 K ", lines.get(3));
            assertEquals("2 | 03LambdaBlock | LambdaBlock | 0     ", lines.get(4));
            assertEquals("3 | 04Linear      | Linear      | 1.3 K ", lines.get(5));
            assertEquals(lines.get(1), lines.get(6));
            assertEquals("101 K     Trainable params", lines.get(7));
            assertEquals("0         Non-trainable params", lines.get(8));
            assertEquals("101 K     Total params", lines.get(9));
            assertEquals("0.407     Total estimated model params size (MB)", lines.get(10));
            assertEquals(11, lines.size());
            assertEquals(101_770L, ModelSummary.count(block)[0]);

            block.getChildren().get(1).getValue().freezeParameters(true);
            String frozen = ModelSummary.render(block);
            assertTrue(frozen.contains("\n1.3 K     Trainable params\n"), frozen);
            assertTrue(frozen.contains("\n100 K     Non-trainable params\n"), frozen);
            assertTrue(frozen.contains("\n101 K     Total params\n"), frozen);
        }
    }

    @Test
    void humanReadableCountsFollowLightning() {
        assertEquals("0  ", ModelSummary.humanReadableCount(0));
        assertEquals("999  ", ModelSummary.humanReadableCount(999));
        assertEquals("1.0 K", ModelSummary.humanReadableCount(1000));
        assertEquals("12.3 K", ModelSummary.humanReadableCount(12_345));
        assertEquals("101 K", ModelSummary.humanReadableCount(101_770));
        assertEquals("1.2 M", ModelSummary.humanReadableCount(1_234_567));
        assertEquals("123 M", ModelSummary.humanReadableCount(123_456_789));
        assertEquals("1.0 B", ModelSummary.humanReadableCount(1_000_000_000L));
        assertEquals("1,000 T", ModelSummary.humanReadableCount(1_000_000_000_000_000L));
    }

    @Test
    void printsOncePerFitAfterTheFirstBatchWhenParametersAreLazy() {
        SequentialBlock block = mlp();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSummary summary = new ModelSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        TrainerView trainer = trainer();
        try (NDManager m = NDManager.newBaseManager(); LightningModule module = module(block)) {
            summary.setup(trainer, module, Stage.FIT);
            summary.onTrainStart(trainer, module);
            assertEquals("", bytes.toString(StandardCharsets.UTF_8), "not initialised yet: nothing to count");

            block.initialize(m, DataType.FLOAT32, new Shape(1, 28, 28));
            summary.onTrainBatchEnd(trainer, module, null, null, 0);
            summary.onTrainBatchEnd(trainer, module, null, null, 1);
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(1, out.split("Total params", -1).length - 1, out);
            assertTrue(out.contains("101 K     Total params"), out);

            bytes.reset();
            summary.setup(trainer, module, Stage.FIT);
            summary.onTrainStart(trainer, module);
            summary.onTrainBatchEnd(trainer, module, null, null, 0);
            out = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(1, out.split("Total params", -1).length - 1, "initialised: printed at train start");
        }
    }

    private static LightningModule module(Block block) {
        return new LightningModule() {
            @Override
            public Block block() {
                return block;
            }
        };
    }

    /** A TrainerView on rank 0 whose other answers are zeros and empty collections. */
    private static TrainerView trainer() {
        return (TrainerView) Proxy.newProxyInstance(TrainerView.class.getClassLoader(),
                new Class<?>[] {TrainerView.class}, (proxy, method, args) -> {
                    Class<?> type = method.getReturnType();
                    if (type == int.class) {
                        return 0;
                    } else if (type == long.class) {
                        return 0L;
                    } else if (type == boolean.class) {
                        return false;
                    } else if (type == List.class) {
                        return List.of();
                    } else if (type == Map.class) {
                        return Map.of();
                    }
                    return null;
                });
    }
}
