package io.fulmen.datasets;

import ai.djl.ndarray.types.Shape;
import io.fulmen.data.TensorDataset;
import org.apiguardian.api.API;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A folder holding the four IDX files of an MNIST-format dataset (MNIST, Fashion-MNIST, KMNIST), read as
 * torchvision's {@code datasets.FashionMNIST(root, train=..., transform=ToTensor())} gives them: images float32 of
 * shape (1, rows, cols) in [0, 1], labels int64.
 * <pre>{@code
 * TensorDataset train = MnistFiles.train(Path.of("/usr/share/datasets/fashion-mnist"));
 * }</pre>
 * Each file may be plain or gzipped ({@code train-images-idx3-ubyte} or {@code train-images-idx3-ubyte.gz}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class MnistFiles {
    private MnistFiles() {}

    /** The training set: {@code train-images-idx3-ubyte} and {@code train-labels-idx1-ubyte}. */
    public static TensorDataset train(Path dir) {
        return read(dir, "train");
    }

    /** The test set: {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}. */
    public static TensorDataset test(Path dir) {
        return read(dir, "t10k");
    }

    private static TensorDataset read(Path dir, String prefix) {
        Path imagesFile = locate(dir, prefix + "-images-idx3-ubyte");
        Path labelsFile = locate(dir, prefix + "-labels-idx1-ubyte");
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        IdxReader.Labels labels = IdxReader.readLabels(labelsFile);
        IdxReader.checkPaired(images, imagesFile.toString(), labels, labelsFile.toString());
        long[] classes = new long[labels.count()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.label(i);
        }
        return TensorDataset.builder().data(images.toFloats(), new Shape(1, images.rows(), images.cols()))
                .labels(classes).build();
    }

    private static Path locate(Path dir, String name) {
        for (Path candidate : new Path[] {dir.resolve(name + ".gz"), dir.resolve(name)}) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new UncheckedIOException("neither " + name + " nor " + name + ".gz is in " + dir.toAbsolutePath()
                + (Files.isDirectory(dir) ? "" : " (no such folder)"), new NoSuchFileException(dir.resolve(name)
                .toString()));
    }
}
