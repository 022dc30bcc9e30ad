package io.fulmen.benchmarks;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.fulmen.LightningModule;
import io.fulmen.examples.fashion.LitClassifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A model {@code benchmarks/run core} measures: the LightningModule the fit side trains, the same network for the
 * hand-written loop, and how many steps a round times.
 *
 * @param name what {@code core.models} calls it
 * @param description the network, for the output
 * @param fitModule a new module for the fit side
 * @param network a new block with the fit module's architecture, for the hand-written loop
 * @param rounds quiet rounds to count
 * @param steps steps per measurement (-1: a whole epoch)
 * @param defaultsWarmup warm-up steps of fit with Fulmen's defaults (-1: a whole epoch)
 * @param anchor Lightning's test accuracy after one epoch, for the output (null when there is none)
 */
record CoreModel(String name, String description, Supplier<LightningModule> fitModule, Supplier<Block> network,
                 int rounds, long steps, long defaultsWarmup, String anchor) {
    static final float LR = 1e-3f;
    private static final int HIDDEN = 128;

    /** Lightning's Fashion-MNIST MLP (784-128-10): {@code LitClassifier} against a copy of its network. */
    static CoreModel mlp(int rounds, long steps) {
        return new CoreModel("mlp", "Fashion-MNIST MLP 784-" + HIDDEN + "-10", () -> new LitClassifier(HIDDEN, LR),
                CoreModel::mlpNetwork, rounds, steps, -1, "0.839");
    }

    /**
     * {@link SmallCnn}: both sides build {@link SmallCnn#network()}. Its step is many times the MLP's, so fit with
     * defaults (for information only) warms up over 100 steps rather than an epoch.
     */
    static CoreModel cnn(int rounds, long steps) {
        return new CoreModel("cnn", "Fashion-MNIST CNN conv3x3(16, pad 1)-pool-conv3x3(32)-pool-1152-10",
                () -> new SmallCnn(LR), SmallCnn::network, rounds, steps, 100, null);
    }

    /** The models named in {@code names} (comma-separated), in that order. */
    static List<CoreModel> parse(String names, int mlpRounds, long mlpSteps, int cnnRounds, long cnnSteps) {
        List<CoreModel> models = new ArrayList<>();
        for (String n : names.split(",")) {
            if (n.isBlank()) {
                continue;
            }
            switch (n.trim().toLowerCase(Locale.ROOT)) {
                case "mlp" -> models.add(mlp(mlpRounds, mlpSteps));
                case "cnn" -> models.add(cnn(cnnRounds, cnnSteps));
                default -> throw new IllegalArgumentException("core.models: unknown model '" + n.trim()
                        + "'; the models are mlp and cnn, e.g. -Dcore.models=mlp,cnn");
            }
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("core.models is empty; give mlp, cnn or both, e.g. -Dcore.models=mlp");
        }
        return models;
    }

    /** The same network as {@code LitClassifier(128, lr)}. */
    private static Block mlpNetwork() {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }
}
