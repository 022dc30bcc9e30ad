package io.fulmen.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.Batch;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.Predictions;
import io.fulmen.runtime.Trainer;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code benchmarks/run tensorflow}: what {@code Trainer.predict} on DJL's TensorFlow engine costs over a
 * hand-written DJL TensorFlow loop, on Lightning's Fashion-MNIST MLP (784-128-10) over the 10k test images, batch
 * 256 ({@code tensorflow.batch}). Both sides read the same batches from the same {@link DataLoader} (prefetch 0), run the same network with the
 * same weights (the hand-written side as flatten, two matrix products and a ReLU, since DJL's TensorFlow engine has no
 * {@code linear}), keep every batch's output until the pass ends, and close the batches' arrays after each step.
 * Fulmen runs lean (no logger, no progress bar, no model summary); the Trainer is built once. The two compute the
 * same outputs with different TensorFlow operations: per batch the hand-written side runs DJL's Reshape, 2 MatMul,
 * 2 Add and Relu (6 operations), Fulmen runs Reshape and 2 fused MatMul+BiasAdd(+Relu) (3 operations, see the
 * TensorFlow plugin's LinearOp), which a user of DJL's NDArray API cannot write.
 *
 * <p>After one warm-up pass per side, each round times one whole pass of each, back to back, alternating which goes
 * first; the result is the median of the per-round time ratios. System property {@code tensorflow.rounds} (31).
 */
public final class TensorFlowBenchmark {
    private static final int BATCH = Integer.getInteger("tensorflow.batch", 256);
    private static final PrintStream NULL_OUT = new PrintStream(OutputStream.nullOutputStream());

    private TensorFlowBenchmark() {}

    public static void main(String[] args) {
        int rounds = Integer.getInteger("tensorflow.rounds", 31);
        FashionMnistDataModule dm = FashionMnistDataModule.builder().batchSize(BATCH).build();
        TensorDataset test = dm.testDataset();
        DataLoader loader = DataLoader.of(test).batchSize(BATCH).prefetch(0).build();
        LitClassifier model = new LitClassifier(128, 1e-3f);
        try (Trainer trainer = Trainer.builder().engine("TensorFlow").logger(false).enableProgressBar(false)
                .enableModelSummary(false).enableCheckpointing(false).seed(42).output(System.getProperty("tensorflow.profiler") == null ? NULL_OUT : System.out, false)
                .profiler(System.getProperty("tensorflow.profiler")).build();
             NDManager raw = NDManager.newBaseManager("TensorFlow")) {
            Engine engine = Engine.getEngine("TensorFlow");
            System.out.println("tensorflow: Fashion-MNIST MLP 784-128-10 predict, batch " + BATCH + ", "
                    + test.size() + " images (" + dm.source().describe() + "); " + engine.getEngineName() + " "
                    + engine.getVersion() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
            float[] fulmenOut = fulmen(trainer, model, loader); // warm-up, which also initialises the weights
            Handwritten hand = new Handwritten(model, raw);
            float[] handOut = hand.pass(loader);
            System.out.printf(Locale.ROOT, "same outputs: max |fulmen - handwritten| = %.2e%n",
                    maxAbsDiff(fulmenOut, handOut));

            double[] ratios = new double[rounds];
            long bestFulmen = Long.MAX_VALUE;
            long bestHand = Long.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                long f;
                long h;
                if (r % 2 == 0) {
                    f = timed(() -> fulmen(trainer, model, loader));
                    h = timed(() -> hand.pass(loader));
                } else {
                    h = timed(() -> hand.pass(loader));
                    f = timed(() -> fulmen(trainer, model, loader));
                }
                ratios[r] = (double) f / h;
                bestFulmen = Math.min(bestFulmen, f);
                bestHand = Math.min(bestHand, h);
                System.out.printf(Locale.ROOT, "round %2d: fulmen %.1f ms, handwritten %.1f ms, ratio %.3f%n", r + 1,
                        f / 1e6, h / 1e6, ratios[r]);
            }
            Arrays.sort(ratios);
            System.out.printf(Locale.ROOT, "fastest pass: fulmen %.1f ms, handwritten %.1f ms, ratio %.3f%n",
                    bestFulmen / 1e6, bestHand / 1e6, (double) bestFulmen / bestHand);
            System.out.printf(Locale.ROOT, "tensorflow: predict/raw = %.3f%n", ratios[rounds / 2]);
        } finally {
            model.close();
        }
    }

    private static float[] fulmen(Trainer trainer, LitClassifier model, DataLoader loader) {
        try (Predictions<NDArray> out = trainer.predict(model, loader, NDArray.class)) {
            return out.get(out.size() - 1).toFloatArray();
        }
    }

    private static long timed(Runnable pass) {
        long start = System.nanoTime();
        pass.run();
        return System.nanoTime() - start;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return a.length == b.length ? max : Double.NaN;
    }

    /** The MLP as a user would write it with DJL's TensorFlow arrays, with the module's weights. */
    private static final class Handwritten {
        private final NDArray w1t;
        private final NDArray b1;
        private final NDArray w2t;
        private final NDArray b2;
        private final NDManager manager;

        Handwritten(LitClassifier model, NDManager manager) {
            this.manager = manager;
            List<NDArray> p = new ArrayList<>();
            for (Parameter parameter : model.block().getParameters().values()) {
                NDArray a = parameter.getArray();
                p.add(manager.create(a.toFloatArray(), a.getShape()));
            }
            this.w1t = p.get(0).transpose();
            this.b1 = p.get(1);
            this.w2t = p.get(2).transpose();
            this.b2 = p.get(3);
        }

        float[] pass(DataLoader loader) {
            try (NDManager outputs = manager.newSubManager()) {
                NDArray last = null;
                try (NDManager batches = manager.newSubManager();
                     BatchStream stream = loader.open(batches, 0, 0, -1)) {
                    while (stream.hasNext()) {
                        try (Batch batch = stream.next()) {
                            NDArray x = batch.getData().head();
                            NDArray flat = x.reshape(x.getShape().get(0), -1);
                            NDArray y = flat.matMul(w1t).add(b1).getNDArrayInternal().relu().matMul(w2t).add(b2);
                            y.attach(outputs);
                            last = y;
                        }
                    }
                }
                return last == null ? new float[0] : new NDList(last).head().toFloatArray();
            }
        }
    }
}
