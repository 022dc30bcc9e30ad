package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.Batch;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training arithmetic: accumulation, clipping, seeding, isolation between Trainers, flat native memory. */
class NumericsTest {
    @TempDir
    Path root;

    private static Map<String, float[]> weights(LightningModule m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : m.block().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static Fixtures.Classifier sgdModel(float lr) {
        return new Fixtures.Classifier(16, () -> Sgd.builder().lr(lr).build());
    }

    @Test
    void accumulatingFourBatchesOf16EqualsOneBatchOf64() {
        var data = Fixtures.blobs(512, 8, 11);
        Map<String, float[]> big;
        Map<String, float[]> accumulated;
        try (var m = sgdModel(0.1f); var t = Fixtures.quietTrainer(root).maxEpochs(2).build()) {
            t.fit(m, DataLoader.of(data).batchSize(64).build());
            assertEquals(16, t.view().globalStep());
            big = weights(m);
        }
        try (var m = sgdModel(0.1f);
             var t = Fixtures.quietTrainer(root).maxEpochs(2).accumulateGradBatches(4).build()) {
            t.fit(m, DataLoader.of(data).batchSize(16).build());
            assertEquals(16, t.view().globalStep());
            accumulated = weights(m);
        }
        for (String k : big.keySet()) {
            float[] a = big.get(k);
            float[] b = accumulated.get(k);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5, k + "[" + i + "]");
            }
        }
    }

    /** Records weights and gradients before the step and weights after it, for one step. */
    static final class StepProbe implements Callback {
        final List<float[]> gradsBefore = new ArrayList<>();
        final List<float[]> weightsBefore = new ArrayList<>();
        final List<float[]> weightsAfter = new ArrayList<>();

        @Override
        public void onBeforeOptimizerStep(TrainerView t, LightningModule m, LightningOptimizer o) {
            for (Pair<String, Parameter> p : m.block().getParameters()) {
                NDArray w = p.getValue().getArray();
                weightsBefore.add(w.toFloatArray());
                try (NDArray g = w.getGradient()) {
                    gradsBefore.add(g.toFloatArray());
                }
            }
        }

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            for (Pair<String, Parameter> p : m.block().getParameters()) {
                weightsAfter.add(p.getValue().getArray().toFloatArray());
            }
        }
    }

    private StepProbe oneClippedStep(double clip, String algorithm) {
        StepProbe probe = new StepProbe();
        try (var m = sgdModel(1.0f); var t = Fixtures.quietTrainer(root).maxSteps(1).gradientClipVal(clip)
                .gradientClipAlgorithm(algorithm).callbacks(probe).build()) {
            t.fit(m, DataLoader.of(Fixtures.blobs(64, 8, 5)).batchSize(64).build());
        }
        return probe;
    }

    @Test
    void normClippingScalesByMaxNormOverTotalNorm() {
        double maxNorm = 0.05;
        StepProbe p = oneClippedStep(maxNorm, "norm");
        double sumSquares = 0;
        for (float[] g : p.gradsBefore) {
            for (float v : g) {
                sumSquares += (double) v * v;
            }
        }
        double total = Math.sqrt(sumSquares);
        assertTrue(total > maxNorm, "the test needs gradients larger than the clip, total norm " + total);
        double coefficient = maxNorm / (total + 1e-6);
        for (int k = 0; k < p.gradsBefore.size(); k++) {
            float[] g = p.gradsBefore.get(k);
            float[] w0 = p.weightsBefore.get(k);
            float[] w1 = p.weightsAfter.get(k);
            for (int i = 0; i < g.length; i++) {
                assertEquals(w0[i] - coefficient * g[i], w1[i], 1e-6, "parameter " + k + "[" + i + "]");
            }
        }
    }

    @Test
    void valueClippingClampsEachGradient() {
        double clip = 0.01;
        StepProbe p = oneClippedStep(clip, "value");
        boolean someClamped = false;
        for (int k = 0; k < p.gradsBefore.size(); k++) {
            float[] g = p.gradsBefore.get(k);
            float[] w0 = p.weightsBefore.get(k);
            float[] w1 = p.weightsAfter.get(k);
            for (int i = 0; i < g.length; i++) {
                double clamped = Math.max(-clip, Math.min(clip, g[i]));
                someClamped |= clamped != g[i];
                assertEquals(w0[i] - clamped, w1[i], 1e-6, "parameter " + k + "[" + i + "]");
            }
        }
        assertTrue(someClamped, "the test needs some gradients beyond the clip value");
    }

    private Map<String, float[]> trainSeeded(long seed) {
        try (var m = new Fixtures.Classifier();
             var t = Fixtures.quietTrainer(root).seed(seed).maxEpochs(2).build()) {
            t.fit(m, Fixtures.loader(Fixtures.blobs(512, 8, 3), 32, true));
            return weights(m);
        }
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
        Map<String, float[]> a = trainSeeded(42);
        Map<String, float[]> b = trainSeeded(42);
        Map<String, float[]> c = trainSeeded(43);
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        assertNotEquals(List.of(a.values().iterator().next()[0]), List.of(c.values().iterator().next()[0]));
    }

    @Test
    void twoTrainersFitConcurrentlyInTwoThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<double[]>> runs = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                final int run = r;
                runs.add(pool.submit(() -> {
                    try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root.resolve("r" + run))
                            .maxEpochs(3).build()) {
                        t.fit(m, Fixtures.loader(Fixtures.blobs(1024, 8, run), 32, true),
                                Fixtures.loader(Fixtures.blobs(256, 8, 100 + run), 128, false));
                        return new double[] {t.view().globalStep(), t.view().currentEpoch(), t.view().callbackMetrics().get("val_acc")};
                    }
                }));
            }
            for (Future<double[]> f : runs) {
                double[] r = f.get();
                assertEquals(96, r[0]);
                assertEquals(3, r[1]);
                assertTrue(r[2] > 0.8, "val_acc " + r[2]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Counts every live NDArray in the process, through the engine's root manager. */
    static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    @Test
    void liveNativeArraysDoNotGrowAcrossEpochs() {
        List<Integer> counts = new ArrayList<>();
        Callback counter = new Callback() {
            @Override
            public void onTrainEpochEnd(TrainerView t, LightningModule m) {
                counts.add(liveArrays());
            }
        };
        try (var m = new Fixtures.Classifier(); var t = Fixtures.quietTrainer(root).maxEpochs(5)
                .callbacks(counter).build()) {
            t.fit(m, Fixtures.loader(Fixtures.blobs(512, 8, 1), 32, true),
                    Fixtures.loader(Fixtures.blobs(128, 8, 2), 64, false));
        }
        assertEquals(5, counts.size());
        for (int i = 1; i < counts.size(); i++) {
            assertEquals(counts.get(0), counts.get(i), "live arrays per epoch: " + counts);
        }
        assertTrue(counts.get(0) >= 12, "parameters and Adam state must be counted: " + counts);
        assertFalse(counts.get(0) > 100, "unexpectedly many live arrays: " + counts);
    }
}
