package io.fulmen.datasets;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An MNIST-format folder reads as torchvision's datasets with ToTensor: (1, rows, cols) in [0, 1]. */
class MnistFilesTest {
    @TempDir
    Path dir;

    @Test
    void trainAndTestReadPlainOrGzippedFilesWithAChannelAxis() {
        byte[] pixels = new byte[3 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        IdxWriter.writeImages(dir.resolve("train-images-idx3-ubyte.gz"), new IdxReader.Images(3, 2, 2, pixels));
        IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), new IdxReader.Labels(3, new byte[] {7, 0, 9}));
        IdxWriter.writeImages(dir.resolve("t10k-images-idx3-ubyte"), new IdxReader.Images(1, 2, 2, new byte[4]));
        IdxWriter.writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), new IdxReader.Labels(1, new byte[] {3}));

        TensorDataset train = MnistFiles.train(dir);
        assertEquals(3, train.size());
        assertEquals(1, MnistFiles.test(dir).size());
        try (NDManager m = NDManager.newBaseManager();
             BatchStream s = DataLoader.of(train).batchSize(3).build().open(m, 0, 0, 1); Batch b = s.next()) {
            assertEquals(new Shape(3, 1, 2, 2), b.getData().head().getShape());
            assertArrayEquals(new float[] {0f, 20 / 255f, 40 / 255f, 60 / 255f},
                    b.getData().head().get(0).flatten().toFloatArray(), 1e-7f);
            assertArrayEquals(new long[] {7, 0, 9}, b.getLabels().head().toLongArray());
        }
    }

    @Test
    void aMissingFileNamesBothNamesTried() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> MnistFiles.test(dir));
        assertEquals("neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz is in " + dir.toAbsolutePath(),
                e.getMessage());
    }
}
