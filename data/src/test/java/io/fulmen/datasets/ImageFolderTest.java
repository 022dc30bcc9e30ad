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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

class ImageFolderTest {
    private static NDManager manager;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** A grey image whose pixel (y, x) is {@code base + 10 * y + x}. */
    private static BufferedImage grey(int h, int w, int base) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, base + 10 * y + x);
            }
        }
        return image;
    }

    /** An image filled with one colour. */
    private static BufferedImage solid(int h, int w, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private Path save(BufferedImage image, String format, String relative) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()), "no " + format + " writer");
        return file;
    }

    private static Record all(TensorDataset dataset) {
        long[] indices = new long[Math.toIntExact(dataset.size())];
        Arrays.setAll(indices, i -> i);
        return dataset.gather(manager, indices);
    }

    @Test
    void classesAreSortedFoldersAndImagesBecomeChwFloats() throws Exception {
        save(grey(2, 3, 0), "png", "dog/b.png");
        save(grey(2, 3, 100), "png", "dog/a.PNG");
        save(grey(2, 3, 200), "png", "cat/nested/z.png");
        Files.writeString(root.resolve("dog/notes.txt"), "not an image");
        Files.writeString(root.resolve("dog/.hidden.png"), "ignored");
        Files.createDirectories(root.resolve(".ipynb_checkpoints"));
        Files.writeString(root.resolve("readme.md"), "files in the root are ignored");

        ImageFolder folder = ImageFolder.of(root).colorMode(ImageFolder.ColorMode.GRAYSCALE).load();
        assertEquals(List.of("cat", "dog"), folder.classes());
        assertEquals(Map.of("cat", 0, "dog", 1), folder.classToIndex());
        assertEquals(List.of(root.resolve("cat/nested/z.png"), root.resolve("dog/a.PNG"), root.resolve("dog/b.png")),
                folder.files());

        Record r = all(folder.dataset());
        NDArray x = r.getData().singletonOrThrow();
        assertEquals(new Shape(3, 1, 2, 3), x.getShape());
        assertEquals(DataType.FLOAT32, x.getDataType());
        assertArrayEquals(new long[] {0, 1, 1}, r.getLabels().singletonOrThrow().toLongArray());
        float[] values = x.toFloatArray();
        // sample 1 is dog/a.PNG: base 100, pixel (1, 2) is 112
        assertEquals(112 / 255f, values[6 + 5], 1e-7f);
        assertEquals(200 / 255f, values[0], 1e-7f);
        assertEquals(2 / 255f, values[12 + 2], 1e-7f);
    }

    @Test
    void rgbImagesArePlanarAndGreyOnesAreRepeated() throws Exception {
        save(solid(2, 2, 0xff8000), "png", "orange/o.png");
        save(grey(2, 2, 40), "png", "pale/p.png");
        ImageFolder folder = ImageFolder.of(root).load();
        NDArray x = all(folder.dataset()).getData().singletonOrThrow();
        assertEquals(new Shape(2, 3, 2, 2), x.getShape());
        float[] v = x.toFloatArray();
        assertArrayEquals(new float[] {1, 1, 1, 1, 128 / 255f, 128 / 255f, 128 / 255f, 128 / 255f, 0, 0, 0, 0},
                Arrays.copyOfRange(v, 0, 12), 1e-7f);
        float[] grey = {40 / 255f, 41 / 255f, 50 / 255f, 51 / 255f};
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(grey, Arrays.copyOfRange(v, 12 + 4 * c, 16 + 4 * c), 1e-7f, "channel " + c);
        }

        NDArray luma = all(ImageFolder.of(root).colorMode(ImageFolder.ColorMode.GRAYSCALE).load().dataset())
                .getData().singletonOrThrow();
        assertEquals(0.299f + 0.587f * 128 / 255f, luma.toFloatArray()[0], 1e-6f);
    }

    @Test
    void jpegBmpAndGifDecode() throws Exception {
        save(solid(4, 4, 0x336699), "jpg", "a/x.jpg");
        save(solid(4, 4, 0x336699), "bmp", "b/x.bmp");
        save(solid(4, 4, 0x336699), "gif", "c/x.gif");
        save(solid(4, 4, 0x336699), "jpeg", "d/x.jpeg");
        ImageFolder folder = ImageFolder.of(root).load();
        float[] v = all(folder.dataset()).getData().singletonOrThrow().toFloatArray();
        for (int image = 0; image < 4; image++) {
            for (int c = 0; c < 3; c++) {
                float expected = new int[] {0x33, 0x66, 0x99}[c] / 255f;
                // JPEG is lossy; the others are exact
                float tolerance = image == 0 || image == 3 ? 0.03f : 1e-7f;
                assertEquals(expected, v[image * 48 + c * 16 + 5], tolerance, "image " + image + " channel " + c);
            }
        }
    }

    @Test
    void resizeIsBilinearAtPixelCentres() throws Exception {
        BufferedImage twoByTwo = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        twoByTwo.getRaster().setSample(0, 0, 0, 0);
        twoByTwo.getRaster().setSample(1, 0, 0, 255);
        twoByTwo.getRaster().setSample(0, 1, 0, 0);
        twoByTwo.getRaster().setSample(1, 1, 0, 255);
        save(twoByTwo, "png", "small/a.png");
        save(grey(6, 5, 0), "png", "large/b.png");
        ImageFolder folder = ImageFolder.of(root).colorMode(ImageFolder.ColorMode.GRAYSCALE).resize(2, 4).load();
        NDArray x = all(folder.dataset()).getData().singletonOrThrow();
        assertEquals(new Shape(2, 1, 2, 4), x.getShape());
        // classes sort "large" before "small"; the 2x2 image widened to 4: columns at 0, 0.25, 0.75 and 1 of the way
        float[] small = Arrays.copyOfRange(x.toFloatArray(), 8, 16);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1, 0, 0.25f, 0.75f, 1}, small, 1e-6f);
    }

    @Test
    void imagesOfAnotherSizeAreNamedWithoutResize() throws Exception {
        Path first = save(grey(4, 4, 0), "png", "a/1.png");
        Path odd = save(grey(4, 5, 0), "png", "b/2.png");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ImageFolder.of(root).load());
        assertEquals(odd + " is 4x5 (height x width), but " + first + ", the first image, is 4x4; all images must"
                + " have one size, or call resize(height, width)", e.getMessage());
    }

    @Test
    void emptyRootAndEmptyClassFoldersAreReported() throws Exception {
        DatasetFormatException empty = assertThrows(DatasetFormatException.class, () -> ImageFolder.of(root).load());
        assertTrue(empty.getMessage().contains("image folder " + root + " has no class folders"),
                empty.getMessage());
        assertTrue(empty.getMessage().contains("root/<class>/<image>"), empty.getMessage());

        save(grey(2, 2, 0), "png", "cat/a.png");
        Files.createDirectories(root.resolve("dog"));
        Files.writeString(root.resolve("dog/a.txt"), "text");
        DatasetFormatException noImages = assertThrows(DatasetFormatException.class,
                () -> ImageFolder.of(root).load());
        assertTrue(noImages.getMessage().startsWith("class folder " + root.resolve("dog") + " holds no images"
                + " (.png, .jpg, .jpeg, .bmp, .gif)"), noImages.getMessage());

        Path absent = root.resolve("absent");
        DatasetFormatException missing = assertThrows(DatasetFormatException.class,
                () -> ImageFolder.of(absent).load());
        assertEquals("image folder " + absent + " does not exist or is not a directory", missing.getMessage());
    }

    @Test
    void undecodableFilesAreNamed() throws Exception {
        save(grey(2, 2, 0), "png", "cat/a.png");
        Path text = root.resolve("cat/b.png");
        Files.writeString(text, "this is not a PNG");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ImageFolder.of(root).load());
        assertEquals(text + ": not an image javax.imageio can decode (PNG, JPEG, BMP, GIF)", e.getMessage());

        // a real PNG cut in half fails inside the decoder
        Path whole = save(grey(40, 40, 0), "png", "cat/b.png");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(whole, Arrays.copyOf(bytes, bytes.length / 2));
        DatasetFormatException cut = assertThrows(DatasetFormatException.class, () -> ImageFolder.of(root).load());
        assertTrue(cut.getMessage().startsWith(whole + ": cannot decode the image"), cut.getMessage());
    }

    @Test
    void badResizeArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(root).resize(0, 4));
        assertThrows(NullPointerException.class, () -> ImageFolder.of(null));
    }
}
