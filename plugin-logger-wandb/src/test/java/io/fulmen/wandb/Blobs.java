package io.fulmen.wandb;

import ai.djl.ndarray.types.Shape;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;

import java.util.SplittableRandom;

/** The test kit's blobs: eight features, the class is the index of the largest of the first four. */
final class Blobs {
    private Blobs() {}

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
}
