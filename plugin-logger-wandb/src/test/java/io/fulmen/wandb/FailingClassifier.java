package io.fulmen.wandb;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.nn.Losses;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;

/** The test kit's classifier, failing in the training step of batch {@code failAt} of the first epoch. */
final class FailingClassifier extends LightningModule {
    private final Block net = new SequentialBlock().add(Linear.builder().setUnits(16).build())
            .add(Activation::relu).add(Linear.builder().setUnits(4).build());
    private final int failAt;

    FailingClassifier(int failAt) {
        this.failAt = failAt;
    }

    @Override
    public Block block() {
        return net;
    }

    @Override
    public NDArray trainingStep(Batch batch, int batchIdx) {
        if (batchIdx == failAt) {
            throw new IllegalStateException("failing on purpose at batch " + batchIdx);
        }
        NDArray loss = Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
        log("train_loss", loss, LogOptions.progBar());
        return loss;
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        return OptimizerConfig.of(Adam.builder().lr(1e-2f).build());
    }
}
