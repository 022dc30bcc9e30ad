package io.fulmen.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.runtime.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model with blocks DJL's TensorFlow engine cannot run fails before its first batch, naming them. */
class UnsupportedBlocksTest {
    @TempDir
    Path root;

    @Test
    void aSequentialMlpWithDropoutRunsAndAConvNetIsRefusedNamingItsBlocksBeforeAnyBatch() {
        Block mlp = new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(Activation.reluBlock())
                .add(Dropout.builder().optRate(0.5f).build()).add(Linear.builder().setUnits(2).build());
        assertEquals(List.of(), UnsupportedBlocks.find(mlp));

        Block cnn = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(2).build());
        List<String> batches = new ArrayList<>();
        LightningModule module = new LightningModule() {
            @Override
            public Block block() {
                return cnn;
            }

            @Override
            public void testStep(Batch batch, int batchIdx) {
                batches.add("batch " + batchIdx);
                NDArray out = forward(batch.getData()).head();
                log("n", out.sum());
            }
        };
        try (Trainer tf = Trainer.builder().engine("TensorFlow").defaultRootDir(root).logger(false)
                .enableProgressBar(false).enableModelSummary(false).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> tf.test(module, MlpClassifier.blobs(8, 1, 4)));
            assertTrue(e.getMessage().contains("model/01Conv2d (Conv2d) needs convolution")
                    && e.getMessage().contains("model/02BatchNorm (BatchNorm) needs batchNorm")
                    && e.getMessage().contains("engine(\"PyTorch\")"), e.getMessage());
        }
        assertEquals(List.of(), batches, "refused before the first batch");
    }
}
