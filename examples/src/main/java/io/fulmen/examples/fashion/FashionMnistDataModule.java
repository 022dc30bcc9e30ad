package io.fulmen.examples.fashion;

import ai.djl.ndarray.types.Shape;
import io.fulmen.LightningDataModule;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Fashion-MNIST (Zalando's 28x28 grey-scale clothing images, ten classes) as a {@link LightningDataModule}, shaped
 * like Lightning's {@code MNISTDataModule}: the 60,000 training images are split 55,000 / 5,000 into train and
 * validation with a seeded generator, and the 10,000 test images are the test set.
 *
 * <p>{@link #prepareData()} locates the four IDX files ({@code train-images-idx3-ubyte}, {@code
 * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each plain or
 * {@code .gz}) in this order:
 * <ol>
 *   <li>the directory given to {@link Builder#dataDir(Path)}, when one is given (it must hold all four);</li>
 *   <li>Debian's {@code dataset-fashion-mnist} package at {@value #DEBIAN_DIR_NAME};</li>
 *   <li>the class-balanced subset shipped inside the examples jar (6,000 training and 1,000 test images), so the
 *   examples run anywhere, offline.</li>
 * </ol>
 * It logs one line saying which it used; {@link #source()} says the same in code.
 *
 * <p>Samples are float32 images in [0, 1] of shape (28, 28), with no channel axis (models flatten them), and int64
 * class indices. The parsed files stay cached in the module, so {@code setup(FIT)} followed by {@code setup(TEST)}
 * reads each file once.
 */
public final class FashionMnistDataModule extends LightningDataModule {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the data. */
    public static final String DEBIAN_DIR_NAME = "/usr/share/datasets/fashion-mnist";
    /** {@link #DEBIAN_DIR_NAME} as a path. */
    public static final Path DEBIAN_DIR = Path.of(DEBIAN_DIR_NAME);
    /** The classpath folder holding the shipped subset. */
    public static final String SUBSET_RESOURCE_DIR = "io/fulmen/examples/fashion/subset/";
    /** Lightning's MNIST batch size. */
    public static final int DEFAULT_BATCH_SIZE = 64;
    /** Validation images split off the full 60,000 training images, as in Lightning's MNIST example. */
    public static final int DEFAULT_VAL_SIZE = 5000;
    /** Seed of the train/validation split (Lightning's example seeds its generator with 42). */
    public static final long SPLIT_SEED = 42L;
    /** Smallest batch size of the validation and test loaders: evaluation keeps no activations, so batches grow. */
    public static final int MIN_EVAL_BATCH_SIZE = 256;

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    private static final int SIDE = 28;
    private static final int CLASSES = 10;
    private static final Shape SAMPLE_SHAPE = new Shape(SIDE, SIDE);
    private static final Logger LOG = LoggerFactory.getLogger(FashionMnistDataModule.class);

    private final Path dataDir;
    private final Path debianDir;
    private final int batchSize;
    private final int valSize;
    private final int limitSamples;

    private Source source;
    private Location location;
    private Split trainPool;
    private Split testSplit;
    private TensorDataset train;
    private TensorDataset val;
    private TensorDataset test;

    /** Lightning's defaults: located data, batch size 64, a 55k/5k split. */
    public FashionMnistDataModule() {
        this(builder());
    }

    private FashionMnistDataModule(Builder b) {
        this.dataDir = b.dataDir;
        this.debianDir = b.debianDir;
        this.batchSize = b.batchSize;
        this.valSize = b.valSize;
        this.limitSamples = b.limitSamples;
        saveHyperparameters("batch_size", batchSize, "val_size", valSize < 0 ? "auto" : valSize,
                "limit_samples", limitSamples < 0 ? "none" : limitSamples,
                "data_dir", dataDir == null ? "auto" : dataDir.toString());
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- Lightning hooks

    /** Locates the data (never downloads) and logs one line naming the source used. */
    @Override
    public void prepareData() {
        source();
    }

    /**
     * Builds the datasets a stage needs: train and validation for {@code FIT}, validation for {@code VALIDATE},
     * test for {@code TEST} and {@code PREDICT}. Files already read are not read again.
     */
    @Override
    public synchronized void setup(Stage stage) {
        switch (Objects.requireNonNull(stage, "stage")) {
            case FIT -> {
                trainDataset();
                valDataset();
            }
            case VALIDATE -> valDataset();
            case TEST, PREDICT -> testDataset();
            default -> throw new IllegalArgumentException("unknown stage " + stage);
        }
    }

    /** Shuffled batches of {@link Builder#batchSize(int)} training images. */
    @Override
    public DataLoader trainDataloader() {
        return DataLoader.of(trainDataset()).batchSize(batchSize).shuffle(true).build();
    }

    /** Validation images in file order, in batches of at least {@value #MIN_EVAL_BATCH_SIZE}. */
    @Override
    public DataLoader valDataloader() {
        return DataLoader.of(valDataset()).batchSize(evalBatchSize()).build();
    }

    /** Test images in file order, in batches of at least {@value #MIN_EVAL_BATCH_SIZE}. */
    @Override
    public DataLoader testDataloader() {
        return DataLoader.of(testDataset()).batchSize(evalBatchSize()).build();
    }

    /** The test images, as in Lightning's MNIST example. */
    @Override
    public DataLoader predictDataloader() {
        return testDataloader();
    }

    // ---------------------------------------------------------------- data

    /** Where the data comes from; locates it (and logs the line) on first call. */
    public synchronized Source source() {
        if (source == null) {
            location = locate();
            source = location.describe();
            LOG.info(source.describe() + (limitSamples >= 0
                    ? "; using only the first " + limitSamples + " images of each file" : ""));
        }
        return source;
    }

    /** The training part of the split, built on first use. */
    public synchronized TensorDataset trainDataset() {
        if (train == null) {
            buildTrainAndVal();
        }
        return train;
    }

    /** The validation part of the split, built on first use. */
    public synchronized TensorDataset valDataset() {
        if (val == null) {
            buildTrainAndVal();
        }
        return val;
    }

    /** The test images, built on first use. */
    public synchronized TensorDataset testDataset() {
        if (test == null) {
            Split s = testSplit();
            long[] all = new long[s.count()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            test = s.toDataset(all);
        }
        return test;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The validation loaders' batch size: the training batch size, but at least {@value #MIN_EVAL_BATCH_SIZE}. */
    public int evalBatchSize() {
        return Math.max(batchSize, MIN_EVAL_BATCH_SIZE);
    }

    /**
     * The number of validation images taken from {@code trainPoolSize} training images: the configured size, or by
     * default 5,000 of 60,000 scaled to the data at hand (500 of the shipped subset's 6,000).
     */
    public int valSize(int trainPoolSize) {
        int size = valSize >= 0 ? valSize
                : (int) Math.round((double) trainPoolSize * DEFAULT_VAL_SIZE / 60_000);
        if (size >= trainPoolSize) {
            throw new IllegalArgumentException("valSize " + size + " leaves no training images out of "
                    + trainPoolSize + ": choose a smaller valSize");
        }
        return size;
    }

    private void buildTrainAndVal() {
        Split pool = trainPool();
        int n = pool.count();
        int nVal = valSize(n);
        long[] order = seededPermutation(n, SPLIT_SEED);
        long[] trainIdx = new long[n - nVal];
        long[] valIdx = new long[nVal];
        System.arraycopy(order, 0, trainIdx, 0, trainIdx.length);
        System.arraycopy(order, trainIdx.length, valIdx, 0, nVal);
        train = pool.toDataset(trainIdx);
        val = pool.toDataset(valIdx);
    }

    /** Fisher-Yates over {@code 0..n-1} driven by a {@link SplittableRandom} seeded with {@code seed}. */
    static long[] seededPermutation(int n, long seed) {
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private Split trainPool() {
        if (trainPool == null) {
            source();
            trainPool = location.read(TRAIN_IMAGES, TRAIN_LABELS, limitSamples);
        }
        return trainPool;
    }

    private Split testSplit() {
        if (testSplit == null) {
            source();
            testSplit = location.read(TEST_IMAGES, TEST_LABELS, limitSamples);
        }
        return testSplit;
    }

    private Location locate() {
        if (dataDir != null) {
            if (!Files.isDirectory(dataDir)) {
                throw new IllegalArgumentException("Fashion-MNIST directory " + dataDir + " does not exist or is not"
                        + " a directory. " + whereFulmenLooks());
            }
            DataFiles files = DataFiles.find(dataDir);
            if (!files.missing().isEmpty()) {
                throw new IllegalArgumentException("Fashion-MNIST directory " + dataDir + " is missing "
                        + String.join(", ", files.missing()) + ". " + whereFulmenLooks());
            }
            return new DirectoryLocation(SourceKind.DIRECTORY, dataDir, files);
        }
        if (debianDir != null && Files.isDirectory(debianDir)) {
            DataFiles files = DataFiles.find(debianDir);
            if (files.missing().isEmpty()) {
                return new DirectoryLocation(SourceKind.DEBIAN_PACKAGE, debianDir, files);
            }
            LOG.warn("Fashion-MNIST: {} exists but is missing {}; falling back to the subset shipped with Fulmen",
                    debianDir, String.join(", ", files.missing()));
        }
        for (String name : FILE_NAMES) {
            if (FashionMnistDataModule.class.getClassLoader().getResource(SUBSET_RESOURCE_DIR + name + ".gz")
                    == null) {
                throw new IllegalStateException("Fashion-MNIST: no data found. The subset shipped with Fulmen is not"
                        + " on the classpath (" + SUBSET_RESOURCE_DIR + name + ".gz is missing). "
                        + whereFulmenLooks());
            }
        }
        return new ResourceLocation();
    }

    private String whereFulmenLooks() {
        return "Fulmen looks for " + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", " + TEST_IMAGES + " and " + TEST_LABELS
                + " (each plain or .gz) in the directory given to FashionMnistDataModule.builder().dataDir(...);"
                + " without one, in Debian's dataset-fashion-mnist package at "
                + (debianDir == null ? DEBIAN_DIR_NAME : debianDir)
                + ", then in the subset shipped inside the examples jar (" + SUBSET_RESOURCE_DIR + ").";
    }

    // ---------------------------------------------------------------- value types

    /** Where the data came from. */
    public enum SourceKind {
        /** The directory given to {@link Builder#dataDir(Path)}. */
        DIRECTORY,
        /** Debian's {@code dataset-fashion-mnist} package. */
        DEBIAN_PACKAGE,
        /** The class-balanced subset inside the examples jar. */
        SHIPPED_SUBSET
    }

    /**
     * The data source in use.
     *
     * @param kind where it came from
     * @param location the directory, or {@code classpath:} and the resource folder for the shipped subset
     * @param trainCount images in the training file (before the train/validation split and any limit)
     * @param testCount images in the test file (before any limit)
     */
    public record Source(SourceKind kind, String location, int trainCount, int testCount) {
        public Source {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(location, "location");
        }

        /** The line logged when the data is located. */
        public String describe() {
            String counts = " (" + trainCount + " train, " + testCount + " test)";
            return switch (kind) {
                case DIRECTORY -> "Fashion-MNIST: using the directory " + location + counts;
                case DEBIAN_PACKAGE -> "Fashion-MNIST: using Debian package data at " + location + counts;
                case SHIPPED_SUBSET -> "Fashion-MNIST: using the subset shipped with Fulmen" + counts
                        + "; install Debian's dataset-fashion-mnist or pass dataDir(...) for the full data set";
            };
        }
    }

    /** The four files of a directory, each plain or gzipped, and the names of those not found. */
    record DataFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels, List<String> missing) {
        static DataFiles find(Path dir) {
            List<String> missing = new ArrayList<>();
            Path[] found = new Path[FILE_NAMES.size()];
            for (int i = 0; i < found.length; i++) {
                String name = FILE_NAMES.get(i);
                Path plain = dir.resolve(name);
                Path gz = dir.resolve(name + ".gz");
                if (Files.isRegularFile(plain)) {
                    found[i] = plain;
                } else if (Files.isRegularFile(gz)) {
                    found[i] = gz;
                } else {
                    missing.add(name + "[.gz]");
                }
            }
            return new DataFiles(found[0], found[1], found[2], found[3], List.copyOf(missing));
        }

        Path path(String name) {
            return switch (name) {
                case TRAIN_IMAGES -> trainImages;
                case TRAIN_LABELS -> trainLabels;
                case TEST_IMAGES -> testImages;
                case TEST_LABELS -> testLabels;
                default -> throw new IllegalArgumentException(name);
            };
        }
    }

    /** Parsed images and labels of one file pair, kept as bytes (a quarter of the floats' memory). */
    private record Split(IdxReader.Images images, IdxReader.Labels labels) {
        int count() {
            return images.count();
        }

        TensorDataset toDataset(long[] indices) {
            int size = images.imageSize();
            byte[] pixels = images.pixels();
            float[] data = new float[Math.multiplyExact(indices.length, size)];
            long[] classes = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                int from = Math.toIntExact(indices[i]) * size;
                int to = i * size;
                for (int p = 0; p < size; p++) {
                    data[to + p] = (pixels[from + p] & 0xff) / 255f;
                }
                classes[i] = labels.label(Math.toIntExact(indices[i]));
            }
            return TensorDataset.builder().data(data, SAMPLE_SHAPE).labels(classes).build();
        }
    }

    /** Reads file pairs from one place. */
    private abstract static class Location {
        abstract Source describe();

        abstract InputStream open(String name) throws IOException;

        abstract String displayName(String name);

        int count(String name, int magic) {
            try (InputStream in = open(name)) {
                return IdxReader.readCount(in, displayName(name), magic);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + displayName(name) + ": " + e.getMessage(), e);
            }
        }

        Source describe(SourceKind kind, String where) {
            int train = pairedCount(TRAIN_IMAGES, TRAIN_LABELS);
            int test = pairedCount(TEST_IMAGES, TEST_LABELS);
            return new Source(kind, where, train, test);
        }

        private int pairedCount(String imagesName, String labelsName) {
            int images = count(imagesName, IdxReader.IMAGES_MAGIC);
            int labels = count(labelsName, IdxReader.LABELS_MAGIC);
            if (images != labels) {
                throw new IdxReader.IdxFormatException("image and label files do not match: "
                        + displayName(imagesName) + " holds " + images + " images but " + displayName(labelsName)
                        + " holds " + labels + " labels");
            }
            return images;
        }

        Split read(String imagesName, String labelsName, int limit) {
            IdxReader.Images images;
            IdxReader.Labels labels;
            try (InputStream in = open(imagesName)) {
                images = IdxReader.readImages(in, displayName(imagesName));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + displayName(imagesName) + ": " + e.getMessage(), e);
            }
            try (InputStream in = open(labelsName)) {
                labels = IdxReader.readLabels(in, displayName(labelsName));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + displayName(labelsName) + ": " + e.getMessage(), e);
            }
            IdxReader.checkPaired(images, displayName(imagesName), labels, displayName(labelsName));
            if (images.rows() != SIDE || images.cols() != SIDE) {
                throw new IdxReader.IdxFormatException(displayName(imagesName) + ": images are " + images.rows()
                        + "x" + images.cols() + ", Fashion-MNIST images are " + SIDE + "x" + SIDE);
            }
            for (int i = 0; i < labels.count(); i++) {
                if (labels.label(i) >= CLASSES) {
                    throw new IdxReader.IdxFormatException(displayName(labelsName) + ": label " + labels.label(i)
                            + " at index " + i + " is not a class 0-" + (CLASSES - 1));
                }
            }
            if (limit >= 0 && limit < images.count()) {
                int[] first = new int[limit];
                for (int i = 0; i < limit; i++) {
                    first[i] = i;
                }
                images = SubsetWriter.pickImages(images, first);
                labels = SubsetWriter.pickLabels(labels, first);
            }
            return new Split(images, labels);
        }
    }

    private static final class DirectoryLocation extends Location {
        private final SourceKind kind;
        private final Path dir;
        private final DataFiles files;

        DirectoryLocation(SourceKind kind, Path dir, DataFiles files) {
            this.kind = kind;
            this.dir = dir;
            this.files = files;
        }

        @Override
        Source describe() {
            return describe(kind, dir.toString());
        }

        @Override
        InputStream open(String name) throws IOException {
            return IdxReader.open(files.path(name));
        }

        @Override
        String displayName(String name) {
            return files.path(name).toString();
        }
    }

    private static final class ResourceLocation extends Location {
        @Override
        Source describe() {
            return describe(SourceKind.SHIPPED_SUBSET, "classpath:" + SUBSET_RESOURCE_DIR);
        }

        @Override
        InputStream open(String name) throws IOException {
            InputStream in = FashionMnistDataModule.class.getClassLoader()
                    .getResourceAsStream(SUBSET_RESOURCE_DIR + name + ".gz");
            if (in == null) {
                throw new IOException("resource " + displayName(name) + " not found");
            }
            return in;
        }

        @Override
        String displayName(String name) {
            return "classpath:" + SUBSET_RESOURCE_DIR + name + ".gz";
        }
    }

    // ---------------------------------------------------------------- builder

    /** Options of {@link FashionMnistDataModule}; every one has Lightning's MNIST default. */
    public static final class Builder {
        private Path dataDir;
        private Path debianDir = DEBIAN_DIR;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int valSize = -1;
        private int limitSamples = -1;

        private Builder() {}

        /**
         * A directory holding the four IDX files (plain or {@code .gz}); Lightning's {@code data_dir}. When set it
         * must be complete: no fallback. {@code null} (the default) locates the data as the class comment says.
         */
        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        /**
         * Where Debian's {@code dataset-fashion-mnist} package is looked for; default
         * {@value FashionMnistDataModule#DEBIAN_DIR_NAME}. {@code null} skips it.
         */
        public Builder debianDir(Path value) {
            this.debianDir = value;
            return this;
        }

        /** Training batch size (default 64); validation and test use at least 256. */
        public Builder batchSize(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + value);
            }
            this.batchSize = value;
            return this;
        }

        /**
         * Validation images split off the training images. By default 5,000 of the full 60,000 (Lightning's
         * 55k/5k split), scaled in proportion for smaller data: 500 of the shipped 6,000-image subset.
         */
        public Builder valSize(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("valSize must be >= 0, got " + value);
            }
            this.valSize = value;
            return this;
        }

        /**
         * Uses only the first {@code value} images of the training file (before the split) and of the test file;
         * for quick runs. By default all are used.
         */
        public Builder limitSamples(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("limitSamples must be positive, got " + value);
            }
            this.limitSamples = value;
            return this;
        }

        public FashionMnistDataModule build() {
            return new FashionMnistDataModule(this);
        }
    }
}
