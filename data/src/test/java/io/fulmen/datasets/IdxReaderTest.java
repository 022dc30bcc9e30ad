package io.fulmen.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import io.fulmen.data.TensorDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class IdxReaderTest {
    @TempDir
    Path dir;

    static IdxReader.Images images(int count, int rows, int cols) {
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        return new IdxReader.Images(count, rows, cols, pixels);
    }

    static IdxReader.Labels labels(int count) {
        byte[] values = new byte[count];
        for (int i = 0; i < count; i++) {
            values[i] = (byte) (i % 10);
        }
        return new IdxReader.Labels(count, values);
    }

    @Test
    void roundTripPlainAndGzipped() {
        IdxReader.Images images = images(5, 28, 28);
        IdxReader.Labels labels = labels(5);
        for (String suffix : new String[] {"", ".gz"}) {
            Path imagesFile = dir.resolve("images" + suffix);
            Path labelsFile = dir.resolve("labels" + suffix);
            IdxWriter.writeImages(imagesFile, images);
            IdxWriter.writeLabels(labelsFile, labels);
            IdxReader.Images readImages = IdxReader.readImages(imagesFile);
            IdxReader.Labels readLabels = IdxReader.readLabels(labelsFile);
            assertEquals(5, readImages.count());
            assertEquals(28, readImages.rows());
            assertEquals(28, readImages.cols());
            assertArrayEquals(images.pixels(), readImages.pixels());
            assertArrayEquals(labels.values(), readLabels.values());
            assertEquals(images.pixels()[28 + 3] & 0xff, readImages.pixel(0, 1, 3));
            IdxReader.checkPaired(readImages, imagesFile.toString(), readLabels, labelsFile.toString());
        }
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws Exception {
        Path gz = dir.resolve("labels.gz");
        IdxWriter.writeLabels(gz, labels(12));
        Path noSuffix = Files.copy(gz, dir.resolve("labels-without-suffix"));
        assertEquals(0x1f, Files.readAllBytes(noSuffix)[0] & 0xff);
        assertArrayEquals(labels(12).values(), IdxReader.readLabels(noSuffix).values());
    }

    @Test
    void headerCountIsReadWithoutTheBody() {
        Path file = dir.resolve("images.gz");
        IdxWriter.writeImages(file, images(9, 4, 4));
        assertEquals(9, IdxReader.readCount(openQuietly(file), file.toString(), IdxReader.IMAGES_MAGIC));
    }

    @Test
    void truncatedFileErrorNamesTheFile() throws Exception {
        Path file = dir.resolve("train-images-idx3-ubyte");
        IdxWriter.writeImages(file, images(3, 28, 28));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("3 images of 28x28 (2352 bytes)"), e.getMessage());
        assertTrue(e.getMessage().contains("only 2252 bytes"), e.getMessage());
    }

    @Test
    void truncatedGzipErrorNamesTheFile() throws Exception {
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        IdxWriter.writeImages(file, images(50, 28, 28));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsReported() throws Exception {
        Path file = dir.resolve("short");
        Files.write(file, new byte[] {0, 0, 8, 3, 0, 0});
        IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
    }

    @Test
    void badMagicIsReported() throws Exception {
        Path labelsFile = dir.resolve("labels");
        IdxWriter.writeLabels(labelsFile, labels(4));
        IdxReader.IdxFormatException swapped = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.readImages(labelsFile));
        assertTrue(swapped.getMessage().contains(labelsFile.toString()), swapped.getMessage());
        assertTrue(swapped.getMessage().contains("bad magic number 0x00000801, expected 0x00000803"),
                swapped.getMessage());
        assertTrue(swapped.getMessage().contains("swapped"), swapped.getMessage());

        Path text = dir.resolve("readme.txt");
        Files.writeString(text, "hello, not an IDX file");
        IdxReader.IdxFormatException notIdx = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.readLabels(text));
        assertTrue(notIdx.getMessage().contains(text.toString()), notIdx.getMessage());
        assertTrue(notIdx.getMessage().contains("bad magic number 0x68656C6C"), notIdx.getMessage());
        assertTrue(notIdx.getMessage().contains("not an IDX file"), notIdx.getMessage());

        IdxReader.IdxFormatException floats = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.readImages(new ByteArrayInputStream(new byte[] {0, 0, 0x0d, 3}), "floats.idx"));
        assertTrue(floats.getMessage().contains("floats.idx"), floats.getMessage());
        assertTrue(floats.getMessage().contains("element type 0x0D"), floats.getMessage());
    }

    @Test
    void trailingBytesAreReported() throws Exception {
        Path file = dir.resolve("labels");
        IdxWriter.writeLabels(file, labels(4));
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.readLabels(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("3 more bytes"),
                e.getMessage());
    }

    @Test
    void countMismatchNamesBothFiles() {
        IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.checkPaired(images(3, 2, 2), "a-images", labels(4), "b-labels"));
        assertTrue(e.getMessage().contains("a-images holds 3 images"), e.getMessage());
        assertTrue(e.getMessage().contains("b-labels holds 4 labels"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope-idx3-ubyte");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void readDatasetScalesPixelsAndKeepsClassIndices() {
        Path imagesFile = dir.resolve("images.gz");
        Path labelsFile = dir.resolve("labels");
        IdxWriter.writeImages(imagesFile, images(6, 3, 2));
        IdxWriter.writeLabels(labelsFile, labels(6));
        TensorDataset dataset = IdxReader.readDataset(imagesFile, labelsFile);
        assertEquals(6, dataset.size());
        try (NDManager manager = NDManager.newBaseManager()) {
            Record all = dataset.gather(manager, new long[] {0, 1, 2, 3, 4, 5});
            NDArray x = all.getData().singletonOrThrow();
            NDArray y = all.getLabels().singletonOrThrow();
            assertEquals(new Shape(6, 3, 2), x.getShape());
            assertEquals(DataType.FLOAT32, x.getDataType());
            assertEquals(DataType.INT64, y.getDataType());
            float[] pixels = x.toFloatArray();
            byte[] raw = images(6, 3, 2).pixels();
            for (int i = 0; i < raw.length; i++) {
                assertEquals((raw[i] & 0xff) / 255f, pixels[i], 0f, "pixel " + i);
            }
            assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, y.toLongArray());
        }
    }

    @Test
    void readDatasetNamesBothFilesWhenTheirCountsDiffer() {
        Path imagesFile = dir.resolve("some-images");
        Path labelsFile = dir.resolve("some-labels");
        IdxWriter.writeImages(imagesFile, images(3, 2, 2));
        IdxWriter.writeLabels(labelsFile, labels(4));
        IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
                () -> IdxReader.readDataset(imagesFile, labelsFile));
        assertTrue(e.getMessage().contains(imagesFile + " holds 3 images but " + labelsFile + " holds 4 labels"),
                e.getMessage());
        assertTrue(e instanceof DatasetFormatException);
    }

    /** The api's randomSplit, on a dataset read from files: the parts are views gathering the right rows. */
    @Test
    void randomSplitPartsGatherTheirOwnImagesAndLabels() {
        int n = 50;
        byte[] pixels = new byte[n * 4];
        byte[] classes = new byte[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(pixels, i * 4, i * 4 + 4, (byte) i);
            classes[i] = (byte) i;
        }
        Path imagesFile = dir.resolve("images");
        Path labelsFile = dir.resolve("labels");
        IdxWriter.writeImages(imagesFile, new IdxReader.Images(n, 2, 2, pixels));
        IdxWriter.writeLabels(labelsFile, new IdxReader.Labels(n, classes));
        TensorDataset dataset = IdxReader.readDataset(imagesFile, labelsFile);
        List<TensorDataset> parts = dataset.randomSplit(42, 0.8, 0.2);
        assertEquals(40, parts.get(0).size());
        assertEquals(10, parts.get(1).size());
        Set<Long> seen = new HashSet<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (TensorDataset part : parts) {
                long[] all = new long[(int) part.size()];
                Arrays.setAll(all, i -> i);
                Record r = part.gather(manager, all);
                float[] x = r.getData().singletonOrThrow().toFloatArray();
                long[] y = r.getLabels().singletonOrThrow().toLongArray();
                for (int i = 0; i < y.length; i++) {
                    assertEquals(y[i] / 255f, x[i * 4 + 3], 0f, "sample " + i + " gathered another row's image");
                    assertTrue(seen.add(y[i]), "row " + y[i] + " is in two parts");
                }
            }
            assertEquals(n, seen.size());
            // a slice of a part is a view of the same rows
            TensorDataset val = parts.get(1);
            long[] whole = val.gather(manager, new long[] {3, 4}).getLabels().singletonOrThrow().toLongArray();
            long[] sliced = val.slice(3, 5).gather(manager, new long[] {0, 1}).getLabels().singletonOrThrow()
                    .toLongArray();
            assertArrayEquals(whole, sliced);
        }
    }

    private static java.io.InputStream openQuietly(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
