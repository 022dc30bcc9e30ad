package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.nn.Losses;
import io.fulmen.optim.Optimizer;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lightning's BackboneFinetuning: freezing, the new parameter group and its learning-rate rules, in real fits. */
class BackboneFinetuningTest {
    @TempDir
    Path root;

    /** A backbone (Linear 4) and a head (Linear 1). */
    static final class WithBackbone extends LightningModule {
        final Block backbone = Linear.builder().setUnits(4).build();
        final Block net = new SequentialBlock().add(backbone).add(Activation::relu)
                .add(Linear.builder().setUnits(1).build());

        @Override
        public Block block() {
            return net;
        }

        public Block backbone() {
            return backbone;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            return Losses.mse(forward(batch.getData()).head(), batch.getLabels().head());
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Sgd.builder().lr(0.1f).build());
        }
    }

    /** Backbone weights and the backbone group's rate at every epoch start (after the finetuning callback). */
    static final class Seen implements Callback {
        final List<float[]> backbone = new ArrayList<>();
        final List<Float> backboneLr = new ArrayList<>();
        float[] afterFirstStep;
        float[] last;

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            if (afterFirstStep == null) {
                afterFirstStep = ((WithBackbone) m).backbone.getParameters().get(0).getValue().getArray()
                        .toFloatArray();
            }
        }

        @Override
        public void onTrainEpochStart(TrainerView t, LightningModule m) {
            Optimizer o = t.optimizers().get(0).optimizer();
            backboneLr.add(o.paramGroupCount() > 1 ? o.paramGroupLearningRate(1) : Float.NaN);
            if (((WithBackbone) m).backbone.getParameters().get(0).getValue().isInitialized()) {
                backbone.add(((WithBackbone) m).backbone.getParameters().get(0).getValue().getArray().toFloatArray());
            }
        }

        @Override
        public void onTrainEnd(TrainerView t, LightningModule m) {
            last = ((WithBackbone) m).backbone.getParameters().get(0).getValue().getArray().toFloatArray();
        }
    }

    private TrainerBuilder trainer(int epochs) {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .logger(false).enableCheckpointing(false).seed(5).maxEpochs(epochs);
    }

    @Test
    void theBackboneIsFrozenThenTrainsAtItsOwnGrowingRate() {
        Seen seen = new Seen();
        try (var m = new WithBackbone(); var t = trainer(4).callbacks(
                BackboneFinetuning.builder().unfreezeBackboneAtEpoch(1).build(), seen).build()) {
            t.fit(m, GradientAccumulationSchedulerTest.data());
        }
        // Frozen through epoch 0; at epoch 1 a group at 0.1 * 0.1 = 0.01; then x1.5 per epoch: 0.015, 0.0225.
        assertTrue(Float.isNaN(seen.backboneLr.get(0)));
        // (Computed in double from the optimizer's float 0.1f, so 0.015 is 0.015000001 as a float.)
        float[] expected = {0.01f, 0.015f, 0.0225f};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], seen.backboneLr.get(i + 1), 1e-8f, "epoch " + (i + 1));
        }
        // backbone.get(0) is epoch 1's start (at epoch 0's start the lazy parameters did not exist yet).
        assertArrayEquals(seen.afterFirstStep, seen.backbone.get(0), "no update while frozen (epoch 0)");
        assertFalse(java.util.Arrays.equals(seen.backbone.get(0), seen.last), "trains once unfrozen");
    }

    @Test
    void shouldAlignCapsTheBackboneRateAtTheOptimizers() {
        Seen seen = new Seen();
        try (var m = new WithBackbone(); var t = trainer(3).callbacks(BackboneFinetuning.builder()
                .unfreezeBackboneAtEpoch(0).lambdaFunc(BackboneFinetuning.multiplicative(100)).build(), seen)
                .build()) {
            t.fit(m, GradientAccumulationSchedulerTest.data());
        }
        assertEquals(List.of(0.01f, 0.1f, 0.1f), seen.backboneLr);
    }

    @Test
    void aGroupAtTheOptimizersOwnRateTrainsAsNoFreezingAtAll() {
        Seen grouped = new Seen();
        try (var m = new WithBackbone(); var t = trainer(2).callbacks(BackboneFinetuning.builder()
                .unfreezeBackboneAtEpoch(0).backboneInitialLr(0.1).lambdaFunc(e -> 1.0).build(), grouped).build()) {
            t.fit(m, GradientAccumulationSchedulerTest.data());
        }
        Seen plain = new Seen();
        try (var m = new WithBackbone(); var t = trainer(2).callbacks(plain).build()) {
            t.fit(m, GradientAccumulationSchedulerTest.data());
        }
        assertArrayEquals(plain.last, grouped.last);
    }

    @Test
    void aModuleWithoutBackboneIsRefused() {
        try (var m = new GradientAccumulationSchedulerTest.Regression(); var t = trainer(1).callbacks(
                BackboneFinetuning.builder().build()).build()) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> t.fit(m, GradientAccumulationSchedulerTest.data()));
            StringBuilder b = new StringBuilder();
            for (Throwable c = e; c != null; c = c.getCause()) {
                b.append(c.getMessage());
            }
            assertTrue(b.toString().contains("should have a `backbone()` method"), b.toString());
        }
    }

    @Test
    void availableByName() {
        try (Trainer t = trainer(1).callbacks("backbone_finetuning")
                .option("backbone_finetuning.unfreeze_backbone_at_epoch", "2").build()) {
            assertTrue(t.callbacks().get(0) instanceof BackboneFinetuning);
        }
    }
}
