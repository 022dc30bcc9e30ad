package io.fulmen.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.nn.Metrics;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Runs a short, real fit (a small MLP on synthetic data, DJL's PyTorch engine on the CPU) so a plugin author can
 * check their plugin end to end in a unit test:
 *
 * <pre>{@code
 * Map<String, Double> metrics = PluginTestKit.fit(tempDir, b -> b.logger("jsonl"));
 * }</pre>
 *
 * The builder comes with quiet defaults (no progress bar, summary or checkpoints, seed 1, 2 epochs of 8 batches);
 * {@code customize} adds the plugin under test by name or instance, or changes anything else.
 */
public final class PluginTestKit {
    private PluginTestKit() {}

    /** Fits, validates and returns the Trainer's callback metrics ({@code train_loss}, {@code val_loss}, {@code val_acc}). */
    public static Map<String, Double> fit(Path rootDir, UnaryOperator<TrainerBuilder> customize) {
        TrainerBuilder builder = Trainer.builder().defaultRootDir(rootDir).maxEpochs(2).seed(1).logEveryNSteps(1)
                .enableProgressBar(false).enableModelSummary(false).enableCheckpointing(false);
        try (Trainer trainer = customize.apply(builder).build(); TinyClassifier model = new TinyClassifier()) {
            trainer.fit(model, loader(256, 1), loader(64, 2));
            return trainer.view().callbackMetrics();
        }
    }

    /** Blobs: the class is the index of the largest of the first four of eight features. */
    static DataLoader loader(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 8];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int f = 0; f < 8; f++) {
                x[i * 8 + f] = (float) rng.nextGaussian();
                if (f < 4 && x[i * 8 + f] > x[i * 8 + best]) {
                    best = f;
                }
            }
            y[i] = best;
        }
        return DataLoader.of(TensorDataset.builder().data(x, new Shape(8)).labels(y).build()).batchSize(32).build();
    }

    /** The kit's model: 8 → 16 → 4, Adam 1e-2. */
    public static final class TinyClassifier extends LightningModule {
        private final Block net = new SequentialBlock().add(Linear.builder().setUnits(16).build())
                .add(Activation::relu).add(Linear.builder().setUnits(4).build());

        public TinyClassifier() {
            saveHyperparameters("hidden", 16, "lr", 0.01);
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
            log("train_loss", loss, LogOptions.progBar());
            return loss;
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            NDArray logits = forward(batch.getData()).head();
            log("val_loss", Losses.crossEntropy(logits, batch.getLabels().head()));
            log("val_acc", Metrics.accuracy(logits, batch.getLabels().head()));
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Adam.builder().lr(1e-2f).build());
        }
    }
}
