package io.fulmen.examples.fashion;

import io.fulmen.datasets.IdxReader;
import io.fulmen.datasets.IdxWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * Writes the Fashion-MNIST subset shipped inside the examples jar (with fulmen-data's {@link IdxWriter}).
 *
 * <p>The subset is class-balanced: the first {@code n/10} images of each of the ten classes, kept in their
 * original file order, so every class is equally represented and the pick is reproducible without a random
 * generator. Run it from the repository root:
 *
 * <pre>
 * java -cp examples/target/classes io.fulmen.examples.fashion.SubsetWriter \
 *     /usr/share/datasets/fashion-mnist examples/src/main/resources/io/fulmen/examples/fashion/subset 6000 1000
 * </pre>
 *
 * The output is deterministic ({@link IdxWriter} gzips with no timestamp), so rerunning it leaves the files
 * byte-identical.
 */
public final class SubsetWriter {
    /** Training images in the shipped subset. */
    public static final int TRAIN_COUNT = 6000;
    /** Test images in the shipped subset. */
    public static final int TEST_COUNT = 1000;
    private static final int CLASSES = 10;

    private SubsetWriter() {}

    /**
     * Arguments: source directory (default {@code /usr/share/datasets/fashion-mnist}), target directory (default
     * {@code examples/src/main/resources/io/fulmen/examples/fashion/subset}), training count (6000), test count
     * (1000). Counts must be multiples of ten.
     */
    public static void main(String[] args) {
        Path source = Paths.get(args.length > 0 ? args[0] : FashionMnistDataModule.DEBIAN_DIR.toString());
        Path target = Paths.get(args.length > 1 ? args[1]
                : "examples/src/main/resources/io/fulmen/examples/fashion/subset");
        int trainCount = args.length > 2 ? Integer.parseInt(args[2]) : TRAIN_COUNT;
        int testCount = args.length > 3 ? Integer.parseInt(args[3]) : TEST_COUNT;
        writeSubset(source, target, trainCount, testCount);
    }

    /** Writes a class-balanced subset of the four Fashion-MNIST files in {@code source} into {@code target}. */
    public static void writeSubset(Path source, Path target, int trainCount, int testCount) {
        FashionMnistDataModule.DataFiles files = FashionMnistDataModule.DataFiles.find(source);
        if (!files.missing().isEmpty()) {
            throw new IllegalArgumentException("source directory " + source + " is missing " + files.missing());
        }
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        }
        writeSplit(files.path(FashionMnistDataModule.TRAIN_IMAGES), files.path(FashionMnistDataModule.TRAIN_LABELS),
                target, "train", trainCount);
        writeSplit(files.path(FashionMnistDataModule.TEST_IMAGES), files.path(FashionMnistDataModule.TEST_LABELS),
                target, "t10k", testCount);
    }

    private static void writeSplit(Path imagesFile, Path labelsFile, Path target, String prefix, int count) {
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        IdxReader.Labels labels = IdxReader.readLabels(labelsFile);
        IdxReader.checkPaired(images, imagesFile.toString(), labels, labelsFile.toString());
        int[] picked = balancedPick(labels, count);
        IdxReader.Images subImages = pickImages(images, picked);
        IdxReader.Labels subLabels = pickLabels(labels, picked);
        Path imagesOut = target.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labelsOut = target.resolve(prefix + "-labels-idx1-ubyte.gz");
        IdxWriter.writeImages(imagesOut, subImages);
        IdxWriter.writeLabels(labelsOut, subLabels);
        System.out.printf("wrote %d %s samples (%d per class) to %s, %s%n", count, prefix, count / CLASSES,
                imagesOut, labelsOut);
    }

    /** The indices of the first {@code count / 10} samples of each class, in file order. */
    static int[] balancedPick(IdxReader.Labels labels, int count) {
        if (count <= 0 || count % CLASSES != 0) {
            throw new IllegalArgumentException("subset size must be a positive multiple of " + CLASSES
                    + ", got " + count);
        }
        int perClass = count / CLASSES;
        int[] taken = new int[CLASSES];
        int[] picked = new int[count];
        int n = 0;
        for (int i = 0; i < labels.count() && n < count; i++) {
            int label = labels.label(i);
            if (label >= CLASSES) {
                throw new IllegalArgumentException("label " + label + " at index " + i + " is not a class 0-9");
            }
            if (taken[label] < perClass) {
                taken[label]++;
                picked[n++] = i;
            }
        }
        if (n < count) {
            throw new IllegalArgumentException("only " + n + " samples available for a balanced subset of " + count
                    + " (per class: " + Arrays.toString(taken) + ")");
        }
        return picked;
    }

    static IdxReader.Images pickImages(IdxReader.Images images, int[] indices) {
        int size = images.imageSize();
        byte[] out = new byte[indices.length * size];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images.pixels(), indices[i] * size, out, i * size, size);
        }
        return new IdxReader.Images(indices.length, images.rows(), images.cols(), out);
    }

    static IdxReader.Labels pickLabels(IdxReader.Labels labels, int[] indices) {
        byte[] out = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels.values()[indices[i]];
        }
        return new IdxReader.Labels(indices.length, out);
    }
}
