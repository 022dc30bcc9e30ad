package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.util.PairList;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSummaryTest {
    @TempDir
    Path root;

    private static SequentialBlock mlp() {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    private static SequentialBlock cnn() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    @Test
    void rendersTheChildrenTheirSizesAndTotalsLikeLightning() {
        SequentialBlock block = mlp();
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(64, 1, 28, 28));
            assertEquals(String.join("\n",
                    "  | Name          | Type         | Params | In sizes        | Out sizes",
                    "-----------------------------------------------------------------------------",
                    "0 | 01LambdaBlock | batchFlatten | 0      | [64, 1, 28, 28] | [64, 784]",
                    "1 | 02Linear      | Linear       | 100 K  | [64, 784]       | [64, 128]",
                    "2 | 03LambdaBlock | ReLU         | 0      | [64, 128]       | [64, 128]",
                    "3 | 04Linear      | Linear       | 1.3 K  | [64, 128]       | [64, 10] ",
                    "-----------------------------------------------------------------------------",
                    "101 K     Trainable params",
                    "0         Non-trainable params",
                    "101 K     Total params",
                    "0.407     Total estimated model params size (MB)"), ModelSummary.render(block));
            assertEquals(101_770L, ModelSummary.count(block)[0]);

            block.getChildren().get(1).getValue().freezeParameters(true);
            String frozen = ModelSummary.render(block);
            assertTrue(frozen.contains("\n1.3 K     Trainable params\n"), frozen);
            assertTrue(frozen.contains("\n100 K     Non-trainable params\n"), frozen);
            assertTrue(frozen.contains("\n101 K     Total params\n"), frozen);
        }
    }

    @Test
    void namesFunctionBlocksAndCarriesShapesThroughAConvolutionalNet() {
        SequentialBlock block = cnn();
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(64, 1, 28, 28));
            assertEquals(String.join("\n",
                    "  | Name          | Type         | Params | In sizes        | Out sizes      ",
                    "-----------------------------------------------------------------------------------",
                    "0 | 01Conv2d      | Conv2d       | 80     | [64, 1, 28, 28] | [64, 8, 26, 26]",
                    "1 | 02LambdaBlock | ReLU         | 0      | [64, 8, 26, 26] | [64, 8, 26, 26]",
                    "2 | 03LambdaBlock | maxPool2d    | 0      | [64, 8, 26, 26] | [64, 8, 13, 13]",
                    "3 | 04LambdaBlock | batchFlatten | 0      | [64, 8, 13, 13] | [64, 1352]     ",
                    "4 | 05Linear      | Linear       | 13.5 K | [64, 1352]      | [64, 10]       ",
                    "-----------------------------------------------------------------------------------",
                    "13.6 K    Trainable params",
                    "0         Non-trainable params",
                    "13.6 K    Total params",
                    "0.054     Total estimated model params size (MB)"), ModelSummary.render(block));
        }
    }

    @Test
    void aFunctionWithoutANameIsALambda() {
        SequentialBlock block = new SequentialBlock()
                .add(Activation::relu)
                .addSingleton(x -> x.mul(2))
                .add(LambdaBlock.singleton(Activation::relu, "relu"));
        List<String> types = ModelSummary.render(block).lines().skip(2).limit(3)
                .map(line -> line.split("\\|")[2].strip()).toList();
        assertEquals(List.of("Lambda", "Lambda", "relu"), types);
    }

    @Test
    void sizesAreUnknownWhereTheContainerDecidesWhatItsChildrenSee() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock block = mlp();
            assertFalse(ModelSummary.render(block).contains("In sizes"), "never run: no sizes, as in Lightning");

            ParallelBlock parallel = new ParallelBlock(outputs -> new NDList(outputs.get(0).head(),
                    outputs.get(1).head()), List.of(Linear.builder().setUnits(3).build(), Blocks.identityBlock()));
            parallel.initialize(m, DataType.FLOAT32, new Shape(4, 5));
            List<String> rows = ModelSummary.render(parallel).lines().skip(2).limit(2).toList();
            assertTrue(rows.get(0).endsWith("| [4, 5]   | [4, 3]   "), rows.get(0));
            assertTrue(rows.get(1).endsWith("| [4, 5]   | [4, 5]   "), rows.get(1));

            Block custom = new PairOfLinears();
            custom.initialize(m, DataType.FLOAT32, new Shape(4, 5), new Shape(4, 6));
            List<String> lines = ModelSummary.render(custom).lines().toList();
            assertEquals("  | Name     | Type   | Params | In sizes | Out sizes", lines.get(0));
            assertEquals("0 | 01Linear | Linear | 12     | ?        | ?        ", lines.get(2));
            assertEquals("1 | 02Linear | Linear | 14     | ?        | ?        ", lines.get(3));
        }
    }

    @Test
    void aBlockWithoutChildrenIsItsOwnRowWithAllItsInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block custom = new PairOfLinears();
            custom.initialize(m, DataType.FLOAT32, new Shape(4, 5), new Shape(4, 6));
            String[] cells = ModelSummary.render(custom.getChildren().get(0).getValue()).lines().skip(2)
                    .findFirst().orElseThrow().split("\\|");
            assertEquals(List.of("0", "block", "Linear", "12", "[4, 5]", "[4, 2]"),
                    Arrays.stream(cells).map(String::strip).toList());
            assertEquals("[[4, 5], [4, 6]]", LayerSizes.format(new Shape[] {new Shape(4, 5), new Shape(4, 6)}));
            assertEquals("?", LayerSizes.format(null));
        }
    }

    /** A container of its own: what its children see is its forward's business, not a chain's. */
    private static final class PairOfLinears extends AbstractBlock {
        private final Block first = addChildBlock("Linear", Linear.builder().setUnits(2).build());
        private final Block second = addChildBlock("Linear", Linear.builder().setUnits(2).build());

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDList a = first.forward(store, new NDList(inputs.get(0)), training);
            NDList b = second.forward(store, new NDList(inputs.get(1)), training);
            return new NDList(a.head(), b.head());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            first.initialize(manager, dataType, inputShapes[0]);
            second.initialize(manager, dataType, inputShapes[1]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), 2), new Shape(inputShapes[1].get(0), 2)};
        }
    }

    @Test
    void aRealFitShowsTheSizesOfTheFirstBatch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSummary summary = new ModelSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        TensorDataset data = TensorDataset.builder().data(new float[20 * 8], new Shape(8)).labels(new long[20])
                .build();
        try (Trainer trainer = Trainer.builder().defaultRootDir(root).enableProgressBar(false)
                .enableModelSummary(false).enableCheckpointing(false).logger(false).maxEpochs(1)
                .callbacks(summary).build();
             Classifier module = new Classifier()) {
            trainer.fit(module, DataLoader.of(data).batchSize(16).build());
        }
        List<String> rows = bytes.toString(StandardCharsets.UTF_8).lines().skip(2).limit(3).toList();
        assertEquals(List.of(
                "0 | 01Linear      | Linear | 36     | [16, 8]  | [16, 4]  ",
                "1 | 02LambdaBlock | Lambda | 0      | [16, 4]  | [16, 4]  ",
                "2 | 03Linear      | Linear | 20     | [16, 4]  | [16, 4]  "), rows);
    }

    /** Classifies 8 features into 4 classes; its {@code Activation::relu} is a function DJL has no name for. */
    private static final class Classifier extends LightningModule {
        private final Block net = new SequentialBlock()
                .add(Linear.builder().setUnits(4).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(4).build());

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            return Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(0.1f).build());
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
