package io.fulmen.ddp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.CkptPath;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.callbacks.ModelCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small program trained by the DDP tests as real processes: an MLP on 256 fixed samples, without shuffling,
 * through the public Trainer. Rank 0 (or the only process) writes every parameter to {@code <out>} at the end.
 *
 * <p>Arguments: {@code <out> sgd|adam <accumulate> <strategy> <devices> <batch per rank> <epochs> [sleep ms per
 * step] [ddp timeout] [nodes]}. The seed is {@code 42 + RANK}: ranks other than 0 start from other weights, so only
 * the broadcast of rank 0's makes the runs agree. Checkpoints ({@code last.ckpt} every 2 steps, written by rank 0)
 * go to {@code <out's folder>/ckpt}; a process that {@code fulmen-run} restarted resumes from {@code "last"}.
 */
public final class DdpTrainMain {
    private DdpTrainMain() {}

    static final class Mlp extends LightningModule {
        private final Block net = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(4).build());
        private final boolean adam;

        Mlp(boolean adam) {
            this.adam = adam;
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
            log("train_loss", loss, LogOptions.defaults().withSyncDist(true));
            return loss;
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(adam ? Adam.builder().lr(1e-2f).build()
                    : Sgd.builder().lr(0.1f).momentum(0.9f).build());
        }
    }

    static TensorDataset data() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 256;
        int features = 8;
        float[] x = new float[n * features];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int f = 0; f < features; f++) {
                x[i * features + f] = (float) rng.nextGaussian();
                if (f < 4 && x[i * features + f] > x[i * features + best]) {
                    best = f;
                }
            }
            y[i] = best;
        }
        return TensorDataset.builder().data(x, new Shape(features)).labels(y).build();
    }

    /** Prints the step of every batch (the kill test waits for them) and sleeps, to be killed mid-epoch. */
    private record Pace(long sleepMs) implements Callback {
        @Override
        public void onTrainStart(TrainerView t, LightningModule m) {
            System.out.println("START step=" + t.globalStep());
            System.out.flush();
        }

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            System.out.println("STEP " + t.globalStep());
            System.out.flush();
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        boolean adam = args[1].equals("adam");
        int accumulate = Integer.parseInt(args[2]);
        String strategy = args[3];
        int devices = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        int epochs = Integer.parseInt(args[6]);
        long sleepMs = args.length > 7 ? Long.parseLong(args[7]) : 0;
        String timeout = args.length > 8 ? args[8] : "60s";
        int nodes = args.length > 9 ? Integer.parseInt(args[9]) : 1;
        boolean restarted = Integer.parseInt(System.getenv().getOrDefault(FulmenRun.RESTART_COUNT, "0")) > 0;
        int rank = Integer.parseInt(System.getenv().getOrDefault("RANK", "0"));

        DataLoader loader = DataLoader.of(data()).batchSize(batch).build();
        var builder = Trainer.builder().defaultRootDir(out.getParent().resolve("root")).enableProgressBar(false)
                .enableModelSummary(false).logger(false).seed(42 + rank).maxEpochs(epochs)
                .accumulateGradBatches(accumulate).strategy(strategy).devices(devices).numNodes(nodes)
                .callbacks(new Pace(sleepMs), ModelCheckpoint.builder().dirpath(out.getParent().resolve("ckpt"))
                        .saveLast(true).saveTopK(0).everyNTrainSteps(2).build());
        if (strategy.equals("ddp")) {
            builder.option("ddp.timeout", timeout);
        }
        try (Mlp model = new Mlp(adam); Trainer trainer = builder.build()) {
            if (restarted) {
                trainer.fit(model, loader, CkptPath.LAST);
            } else {
                trainer.fit(model, loader);
            }
            if (trainer.view().globalRank() == 0) {
                List<String> lines = new ArrayList<>();
                model.block().getParameters().forEach(p -> {
                    StringBuilder line = new StringBuilder(p.getKey());
                    for (float v : p.getValue().getArray().toFloatArray()) {
                        line.append(' ').append(v);
                    }
                    lines.add(line.toString());
                });
                Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
                Files.write(tmp, lines);
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            }
            System.out.println("METRIC train_loss=" + trainer.view().callbackMetrics().get("train_loss"));
            System.out.println("DONE rank " + trainer.view().globalRank() + " steps " + trainer.view().globalStep());
        }
    }
}
