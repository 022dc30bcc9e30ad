package io.fulmen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
            SubsetWriter.writeImages(imagesFile, images);
            SubsetWriter.writeLabels(labelsFile, labels);
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
        SubsetWriter.writeLabels(gz, labels(12));
        Path noSuffix = Files.copy(gz, dir.resolve("labels-without-suffix"));
        assertEquals(0x1f, Files.readAllBytes(noSuffix)[0] & 0xff);
        assertArrayEquals(labels(12).values(), IdxReader.readLabels(noSuffix).values());
    }

    @Test
    void headerCountIsReadWithoutTheBody() {
        Path file = dir.resolve("images.gz");
        SubsetWriter.writeImages(file, images(9, 4, 4));
        assertEquals(9, IdxReader.readCount(openQuietly(file), file.toString(), IdxReader.IMAGES_MAGIC));
    }

    @Test
    void truncatedFileErrorNamesTheFile() throws Exception {
        Path file = dir.resolve("train-images-idx3-ubyte");
        SubsetWriter.writeImages(file, images(3, 28, 28));
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
        SubsetWriter.writeImages(file, images(50, 28, 28));
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
        SubsetWriter.writeLabels(labelsFile, labels(4));
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
        SubsetWriter.writeLabels(file, labels(4));
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

    private static java.io.InputStream openQuietly(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
