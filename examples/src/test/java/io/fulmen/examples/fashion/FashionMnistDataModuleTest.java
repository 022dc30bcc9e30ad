package io.fulmen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.datasets.IdxReader;
import io.fulmen.datasets.IdxWriter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

class FashionMnistDataModuleTest {
    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Writes a tiny Fashion-MNIST: image i has every pixel equal to i, label i % 10; plain or gzipped files. */
    static void writeTinyData(Path dir, int train, int test, boolean gzip) {
        String gz = gzip ? ".gz" : "";
        IdxWriter.writeImages(dir.resolve("train-images-idx3-ubyte" + gz), constantImages(train));
        IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte" + gz), cyclicLabels(train));
        IdxWriter.writeImages(dir.resolve("t10k-images-idx3-ubyte" + gz), constantImages(test));
        IdxWriter.writeLabels(dir.resolve("t10k-labels-idx1-ubyte" + gz), cyclicLabels(test));
    }

    static IdxReader.Images constantImages(int count) {
        byte[] pixels = new byte[count * 784];
        for (int i = 0; i < count; i++) {
            Arrays.fill(pixels, i * 784, (i + 1) * 784, (byte) (i == 0 ? 255 : i));
        }
        return new IdxReader.Images(count, 28, 28, pixels);
    }

    static IdxReader.Labels cyclicLabels(int count) {
        byte[] values = new byte[count];
        for (int i = 0; i < count; i++) {
            values[i] = (byte) (i % 10);
        }
        return new IdxReader.Labels(count, values);
    }

    private static Record all(TensorDataset dataset) {
        long[] indices = new long[Math.toIntExact(dataset.size())];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        return dataset.gather(manager, indices);
    }

    @Test
    void explicitDirectoryWithMissingFilesSaysWhichAndWhereFulmenLooks() throws Exception {
        writeTinyData(dir, 24, 12, true);
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        Files.delete(dir.resolve("t10k-images-idx3-ubyte.gz"));
        FashionMnistDataModule dm = FashionMnistDataModule.builder().dataDir(dir).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, dm::prepareData);
        String m = e.getMessage();
        assertTrue(m.contains(dir.toString()), m);
        assertTrue(m.contains("missing train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]"), m);
        assertFalse(m.contains("missing train-images"), m);
        assertTrue(m.contains("dataDir(...)"), m);
        assertTrue(m.contains("/usr/share/datasets/fashion-mnist"), m);
        assertTrue(m.contains("subset shipped"), m);
    }

    @Test
    void explicitDirectoryThatDoesNotExistIsReported() {
        Path absent = dir.resolve("absent");
        FashionMnistDataModule dm = FashionMnistDataModule.builder().dataDir(absent).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, dm::prepareData);
        assertTrue(e.getMessage().contains(absent + " does not exist"), e.getMessage());
    }

    @Test
    void explicitDirectoryIsUsedWithoutFallback() {
        writeTinyData(dir, 24, 12, false);
        FashionMnistDataModule dm = FashionMnistDataModule.builder().dataDir(dir).build();
        dm.prepareData();
        assertEquals(new FashionMnistDataModule.Source(FashionMnistDataModule.SourceKind.DIRECTORY,
                dir.toString(), 24, 12), dm.source());
        assertTrue(dm.source().describe().contains("(24 train, 12 test)"), dm.source().describe());
    }

    @Test
    void debianDirectoryIsUsedWhenPresent() {
        writeTinyData(dir, 24, 12, true);
        FashionMnistDataModule dm = FashionMnistDataModule.builder().debianDir(dir).valSize(4).build();
        dm.prepareData();
        FashionMnistDataModule.Source source = dm.source();
        assertEquals(FashionMnistDataModule.SourceKind.DEBIAN_PACKAGE, source.kind());
        assertEquals(dir.toString(), source.location());
        assertEquals(24, source.trainCount());
        assertEquals(12, source.testCount());
        assertEquals("Fashion-MNIST: using Debian package data at " + dir + " (24 train, 12 test)",
                source.describe());

        dm.setup(Stage.FIT);
        dm.setup(Stage.TEST);
        assertEquals(20, dm.trainDataset().size());
        assertEquals(4, dm.valDataset().size());
        assertEquals(12, dm.testDataset().size());

        // test images are in file order; image i holds pixel value i (image 0 holds 255) and label i % 10
        Record test = all(dm.testDataset());
        NDArray x = test.getData().head();
        NDArray y = test.getLabels().head();
        assertEquals(new Shape(12, 28, 28), x.getShape());
        assertEquals(DataType.FLOAT32, x.getDataType());
        assertEquals(DataType.INT64, y.getDataType());
        assertEquals(1f, x.get(0).max().getFloat(), 0f);
        assertEquals(1f / 255, x.get(1).min().getFloat(), 1e-7f);
        assertEquals(11f / 255, x.get(11).max().getFloat(), 1e-7f);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}, y.toLongArray());

        // train and validation split the 24 training images without overlap; each label matches its image
        Set<Float> seen = new HashSet<>();
        for (TensorDataset part : new TensorDataset[] {dm.trainDataset(), dm.valDataset()}) {
            Record r = all(part);
            long[] labels = r.getLabels().head().toLongArray();
            for (int i = 0; i < labels.length; i++) {
                float pixel = r.getData().head().get(i).max().getFloat();
                int image = pixel == 1f ? 0 : Math.round(pixel * 255);
                assertEquals(image % 10, labels[i]);
                assertTrue(seen.add(pixel), "image " + image + " appears twice");
            }
        }
        assertEquals(24, seen.size());
    }

    @Test
    void incompleteDebianDirectoryFallsBackToTheShippedSubset() throws Exception {
        writeTinyData(dir, 24, 12, true);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        FashionMnistDataModule dm = FashionMnistDataModule.builder().debianDir(dir).build();
        assertEquals(FashionMnistDataModule.SourceKind.SHIPPED_SUBSET, dm.source().kind());
    }

    @Test
    void shippedSubsetLoadsWithTheRightCountsAndPixelRange() {
        FashionMnistDataModule dm = FashionMnistDataModule.builder().debianDir(null).build();
        dm.prepareData();
        FashionMnistDataModule.Source source = dm.source();
        assertEquals(FashionMnistDataModule.SourceKind.SHIPPED_SUBSET, source.kind());
        assertEquals(SubsetWriter.TRAIN_COUNT, source.trainCount());
        assertEquals(SubsetWriter.TEST_COUNT, source.testCount());
        assertTrue(source.describe().startsWith(
                "Fashion-MNIST: using the subset shipped with Fulmen (6000 train, 1000 test)"), source.describe());

        dm.setup(Stage.FIT);
        dm.setup(Stage.TEST);
        assertEquals(5500, dm.trainDataset().size());
        assertEquals(500, dm.valDataset().size());
        assertEquals(1000, dm.testDataset().size());

        Record test = all(dm.testDataset());
        NDArray x = test.getData().head();
        assertEquals(new Shape(1000, 28, 28), x.getShape());
        assertEquals(0f, x.min().getFloat(), 0f);
        assertEquals(1f, x.max().getFloat(), 0f);
        float mean = x.mean().getFloat();
        assertTrue(mean > 0.2f && mean < 0.4f, "mean pixel " + mean);
        // the subset is class-balanced: 100 test images of each class
        long[] perClass = new long[10];
        for (long label : test.getLabels().head().toLongArray()) {
            perClass[(int) label]++;
        }
        long[] hundred = new long[10];
        Arrays.fill(hundred, 100);
        assertArrayEquals(hundred, perClass);
    }

    @Test
    void parsedFilesAreCachedAcrossStages() throws Exception {
        writeTinyData(dir, 24, 12, true);
        FashionMnistDataModule dm = FashionMnistDataModule.builder().dataDir(dir).build();
        dm.prepareData();
        dm.setup(Stage.FIT);
        TensorDataset train = dm.trainDataset();
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"}) {
            Files.delete(dir.resolve(name));
        }
        dm.setup(Stage.FIT);
        dm.setup(Stage.VALIDATE);
        dm.setup(Stage.TEST);
        assertSame(train, dm.trainDataset());
        assertEquals(12, dm.testDataset().size());
    }

    /** The images of a dataset built by {@link #writeTinyData}, by number (each image's pixels tell it). */
    private static long[] imageNumbers(TensorDataset dataset) {
        NDArray x = all(dataset).getData().head();
        long[] numbers = new long[Math.toIntExact(dataset.size())];
        for (int i = 0; i < numbers.length; i++) {
            float pixel = x.get(i).max().getFloat();
            numbers[i] = pixel == 1f ? 0 : Math.round(pixel * 255);
        }
        return numbers;
    }

    @Test
    void splitIsSeededAndValSizeScalesWithTheData() {
        writeTinyData(dir, 60, 10, false);
        FashionMnistDataModule first = FashionMnistDataModule.builder().dataDir(dir).valSize(20).build();
        FashionMnistDataModule second = FashionMnistDataModule.builder().dataDir(dir).valSize(20).build();
        long[] a = LongStream.concat(Arrays.stream(imageNumbers(first.trainDataset())),
                Arrays.stream(imageNumbers(first.valDataset()))).toArray();
        long[] b = LongStream.concat(Arrays.stream(imageNumbers(second.trainDataset())),
                Arrays.stream(imageNumbers(second.valDataset()))).toArray();
        assertArrayEquals(a, b);
        long[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertFalse(Arrays.equals(a, sorted), "the split must shuffle");
        // the split is TensorDataset.randomSplit's with the module's seed
        List<TensorDataset> parts = IdxReader.readDataset(dir.resolve("train-images-idx3-ubyte"),
                dir.resolve("train-labels-idx1-ubyte")).randomSplit(FashionMnistDataModule.SPLIT_SEED, 40, 20);
        assertArrayEquals(imageNumbers(parts.get(1)), imageNumbers(first.valDataset()));

        FashionMnistDataModule defaults = new FashionMnistDataModule();
        assertEquals(5000, defaults.valSize(60_000));
        assertEquals(500, defaults.valSize(6_000));
        FashionMnistDataModule explicit = FashionMnistDataModule.builder().valSize(5000).build();
        assertEquals(5000, explicit.valSize(60_000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> explicit.valSize(5000));
        assertTrue(e.getMessage().contains("valSize 5000 leaves no training images"), e.getMessage());
    }

    @Test
    void limitSamplesUsesTheFirstImagesOfEachFile() {
        writeTinyData(dir, 24, 12, false);
        FashionMnistDataModule dm = FashionMnistDataModule.builder().dataDir(dir).limitSamples(10).valSize(2)
                .build();
        dm.setup(Stage.FIT);
        dm.setup(Stage.TEST);
        assertEquals(8, dm.trainDataset().size());
        assertEquals(2, dm.valDataset().size());
        assertEquals(10, dm.testDataset().size());
        assertEquals(24, dm.source().trainCount());
    }

    @Test
    void loadersFollowTheOptions() {
        writeTinyData(dir, 24, 12, true);
        FashionMnistDataModule dm = FashionMnistDataModule.builder().dataDir(dir).valSize(4).build();
        dm.setup(Stage.FIT);
        DataLoader train = dm.trainDataloader();
        assertTrue(train.isShuffle());
        assertEquals(64, train.batchSize());
        assertFalse(dm.valDataloader().isShuffle());
        assertEquals(256, dm.valDataloader().batchSize());
        assertFalse(dm.testDataloader().isShuffle());
        assertEquals(256, dm.testDataloader().batchSize());

        FashionMnistDataModule big = FashionMnistDataModule.builder().dataDir(dir).batchSize(512).build();
        assertEquals(512, big.trainDataloader().batchSize());
        assertEquals(512, big.testDataloader().batchSize());
    }

    @Test
    void wrongImageSizeIsReported() {
        IdxWriter.writeImages(dir.resolve("train-images-idx3-ubyte"),
                new IdxReader.Images(2, 14, 14, new byte[2 * 196]));
        IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte"), cyclicLabels(2));
        IdxWriter.writeImages(dir.resolve("t10k-images-idx3-ubyte"), constantImages(1));
        IdxWriter.writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), cyclicLabels(1));
        FashionMnistDataModule dm = FashionMnistDataModule.builder().dataDir(dir).valSize(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dm.setup(Stage.FIT));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte: images are 14x14"), e.getMessage());
    }

    @Test
    void mismatchedCountsAreReportedWhenLocating() {
        writeTinyData(dir, 24, 12, true);
        IdxWriter.writeLabels(dir.resolve("t10k-labels-idx1-ubyte.gz"), cyclicLabels(11));
        FashionMnistDataModule dm = FashionMnistDataModule.builder().dataDir(dir).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, dm::prepareData);
        assertTrue(e.getMessage().contains("holds 12 images but"), e.getMessage());
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz holds 11 labels"), e.getMessage());
    }
}
