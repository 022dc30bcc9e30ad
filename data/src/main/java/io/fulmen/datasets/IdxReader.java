package io.fulmen.datasets;

import ai.djl.ndarray.types.Shape;
import io.fulmen.data.TensorDataset;
import org.apiguardian.api.API;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST: images ({@code 0x00000803}, unsigned bytes {@code [n, rows,
 * cols]}) and labels ({@code 0x00000801}, unsigned bytes {@code [n]}), plain or gzipped (recognised by content, not
 * by file name).
 *
 * <p>{@link #readDataset(Path, Path)} turns an image file and its label file into a {@link TensorDataset}:
 * <pre>{@code
 * TensorDataset train = IdxReader.readDataset(dir.resolve("train-images-idx3-ubyte.gz"),
 *         dir.resolve("train-labels-idx1-ubyte.gz"));
 * List<TensorDataset> parts = train.randomSplit(42, 55_000, 5_000);
 * }</pre>
 *
 * <p>Every problem is reported as an {@link IdxFormatException} naming the file and what is wrong with it: a wrong
 * magic number, a truncated or over-long file, or image and label files of different lengths.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class IdxReader {
    /** Magic number of an image file: unsigned bytes, three dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a label file: unsigned bytes, one dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /**
     * Reads an image file and its label file (each plain or gzipped) into a dataset: images as float32 of shape
     * (rows, cols), pixels scaled to [0, 1], with no channel axis; labels as int64 class indices.
     *
     * @throws IdxFormatException naming the file when either is not a valid IDX file, or both when their counts
     *     differ
     * @throws UncheckedIOException naming the file when either cannot be read
     */
    public static TensorDataset readDataset(Path imagesFile, Path labelsFile) {
        Images images = readImages(imagesFile);
        Labels labels = readLabels(labelsFile);
        checkPaired(images, imagesFile.toString(), labels, labelsFile.toString());
        return toDataset(images, labels);
    }

    /** The dataset of {@link #readDataset(Path, Path)} from images and labels already read (of the same count). */
    public static TensorDataset toDataset(Images images, Labels labels) {
        checkPaired(images, "the images", labels, "the labels");
        long[] classes = new long[labels.count()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.label(i);
        }
        return TensorDataset.builder().data(images.toFloats(), new Shape(images.rows(), images.cols()))
                .labels(classes).build();
    }

    /** Reads an image file. */
    public static Images readImages(Path file) {
        try (InputStream in = open(file)) {
            return readImages(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX image file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a label file. */
    public static Labels readLabels(Path file) {
        try (InputStream in = open(file)) {
            return readLabels(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX label file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an image file from {@code in} (plain or gzipped), naming it {@code name} in errors. Does not close
     * {@code in}.
     */
    public static Images readImages(InputStream in, String name) {
        try {
            InputStream data = decompressIfGzipped(in);
            int magic = readHeaderInt(data, name, "magic number");
            checkMagic(magic, IMAGES_MAGIC, name, "image");
            int count = readDimension(data, name, "image count");
            int rows = readDimension(data, name, "row count");
            int cols = readDimension(data, name, "column count");
            long bytes = (long) count * rows * cols;
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new IdxFormatException(name + ": header declares " + count + " images of " + rows + "x" + cols
                        + ", " + bytes + " bytes, more than one Java array holds");
            }
            byte[] pixels = readBody(data, (int) bytes, name,
                    "header declares " + count + " images of " + rows + "x" + cols + " (" + bytes + " bytes)");
            return new Images(count, rows, cols, pixels);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX image file " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a label file from {@code in} (plain or gzipped), naming it {@code name} in errors. Does not close
     * {@code in}.
     */
    public static Labels readLabels(InputStream in, String name) {
        try {
            InputStream data = decompressIfGzipped(in);
            int magic = readHeaderInt(data, name, "magic number");
            checkMagic(magic, LABELS_MAGIC, name, "label");
            int count = readDimension(data, name, "label count");
            byte[] labels = readBody(data, count, name, "header declares " + count + " labels (" + count + " bytes)");
            return new Labels(count, labels);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX label file " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that an image file and a label file describe the same samples.
     *
     * @throws IdxFormatException naming both files when their counts differ
     */
    public static void checkPaired(Images images, String imagesName, Labels labels, String labelsName) {
        if (images.count() != labels.count()) {
            throw new IdxFormatException("image and label files do not match: " + imagesName + " holds "
                    + images.count() + " images but " + labelsName + " holds " + labels.count() + " labels");
        }
    }

    /** Reads only the header of an image or label file and returns its sample count (cheap even when gzipped). */
    public static int readCount(InputStream in, String name, int expectedMagic) {
        try {
            InputStream data = decompressIfGzipped(in);
            int magic = readHeaderInt(data, name, "magic number");
            checkMagic(magic, expectedMagic, name, expectedMagic == IMAGES_MAGIC ? "image" : "label");
            return readDimension(data, name, expectedMagic == IMAGES_MAGIC ? "image count" : "label count");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX file " + name + ": " + e.getMessage(), e);
        }
    }

    /** Opens a file for reading, with an error naming the file when it is missing. */
    private static InputStream open(Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("IDX file " + file + " does not exist", e);
        }
    }

    private static InputStream decompressIfGzipped(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(Objects.requireNonNull(in, "in"), 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
        }
        return buffered;
    }

    private static void checkMagic(int magic, int expected, String name, String kind) {
        if (magic == expected) {
            return;
        }
        String hint = "";
        if (magic == IMAGES_MAGIC) {
            hint = " (that is an image file: are the image and label files swapped?)";
        } else if (magic == LABELS_MAGIC) {
            hint = " (that is a label file: are the image and label files swapped?)";
        } else if ((magic >>> 16) != 0) {
            hint = " (not an IDX file: IDX files start with two zero bytes)";
        } else if ((magic & 0xff00) != 0x0800) {
            hint = String.format(" (element type 0x%02X; only unsigned bytes, 0x08, are supported)",
                    (magic >> 8) & 0xff);
        }
        throw new IdxFormatException(String.format("%s: bad magic number 0x%08X, expected 0x%08X for an IDX %s file%s",
                name, magic, expected, kind, hint));
    }

    private static int readDimension(InputStream in, String name, String what) throws IOException {
        int value = readHeaderInt(in, name, what);
        if (value < 0) {
            throw new IdxFormatException(name + ": negative " + what + " " + value + " in the header");
        }
        return value;
    }

    private static int readHeaderInt(InputStream in, String name, String what) throws IOException {
        byte[] b = new byte[4];
        int n = readFully(in, b, 0, 4, name);
        if (n < 4) {
            throw new IdxFormatException(name + ": truncated header, the file ends before the " + what);
        }
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private static byte[] readBody(InputStream in, int length, String name, String declared) throws IOException {
        byte[] body = new byte[length];
        int n = readFully(in, body, 0, length, name);
        if (n < length) {
            throw new IdxFormatException(name + ": truncated file, " + declared + " but only " + n
                    + " bytes follow the header");
        }
        int extra = 0;
        byte[] probe = new byte[4096];
        for (int r; (r = readOrTruncated(in, probe, 0, probe.length, name)) > 0; ) {
            extra += r;
        }
        if (extra > 0) {
            throw new IdxFormatException(name + ": " + declared + " but " + extra
                    + " more bytes follow; the file is not a single IDX array");
        }
        return body;
    }

    private static int readFully(InputStream in, byte[] buf, int off, int len, String name) throws IOException {
        int total = 0;
        while (total < len) {
            int r = readOrTruncated(in, buf, off + total, len - total, name);
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    /** A cut-off gzip stream fails inside the inflater; report it as the truncation it is. */
    private static int readOrTruncated(InputStream in, byte[] buf, int off, int len, String name) throws IOException {
        try {
            return in.read(buf, off, len);
        } catch (EOFException | ZipException e) {
            throw new IdxFormatException(name + ": truncated or corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Images as stored: {@code count} images of {@code rows x cols} unsigned bytes, row-major, one after another.
     *
     * @param pixels {@code count * rows * cols} bytes; read them with {@code & 0xff}
     */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** Checks that {@code pixels} holds {@code count * rows * cols} bytes. */
        public Images {
            Objects.requireNonNull(pixels, "pixels");
            if ((long) count * rows * cols != pixels.length) {
                throw new IllegalArgumentException(count + " images of " + rows + "x" + cols + " need "
                        + (long) count * rows * cols + " bytes, got " + pixels.length);
            }
        }

        /** Pixels per image. */
        public int imageSize() {
            return rows * cols;
        }

        /** The pixel at ({@code row}, {@code col}) of image {@code index}, 0 to 255. */
        public int pixel(int index, int row, int col) {
            return pixels[index * imageSize() + row * cols + col] & 0xff;
        }

        /** Every pixel divided by 255, as float32 in [0, 1], in the order of {@link #pixels()}. */
        public float[] toFloats() {
            float[] out = new float[pixels.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (pixels[i] & 0xff) / 255f;
            }
            return out;
        }
    }

    /**
     * Labels as stored: one unsigned byte per sample.
     *
     * @param values {@code count} bytes; read them with {@code & 0xff}
     */
    public record Labels(int count, byte[] values) {
        /** Checks that {@code values} holds {@code count} bytes. */
        public Labels {
            Objects.requireNonNull(values, "values");
            if (count != values.length) {
                throw new IllegalArgumentException(count + " labels need " + count + " bytes, got " + values.length);
            }
        }

        /** The label of sample {@code index}, 0 to 255. */
        public int label(int index) {
            return values[index] & 0xff;
        }
    }

    /** An IDX file that cannot be used; the message names the file and the problem. */
    public static final class IdxFormatException extends DatasetFormatException {
        private static final long serialVersionUID = 1L;

        /** An exception with the given message. */
        public IdxFormatException(String message) {
            super(message);
        }

        /** An exception with the given message and the failure that revealed the problem. */
        public IdxFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
