package io.fulmen.examples.fashion;

import io.fulmen.LightningDataModule;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.datasets.IdxReader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Fashion-MNIST (Zalando's 28x28 grey-scale clothing images, ten classes) as a {@link LightningDataModule}, shaped
 * like Lightning's {@code MNISTDataModule}: the 60,000 training images are split 55,000 / 5,000 into train and
 * validation with {@link TensorDataset#randomSplit(long, long...)} seeded with {@value #SPLIT_SEED}, and the 10,000
 * test images are the test set. The files are read with fulmen-data's {@link IdxReader}.
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
 * class indices. The datasets stay cached in the module, so {@code setup(FIT)} followed by {@code setup(TEST)}
 * reads each file once; train and validation are views over one in-memory copy of the training file.
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
    private static final Logger LOG = LoggerFactory.getLogger(FashionMnistDataModule.class);

    private final Path dataDir;
    private final Path debianDir;
    private final int batchSize;
    private final int valSize;
    private final int limitSamples;

    private Source source;
    private Location location;
    private TensorDataset trainPool;
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
            source();
            test = location.read(TEST_IMAGES, TEST_LABELS, limitSamples);
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
        TensorDataset pool = trainPool();
        int nVal = valSize(Math.toIntExact(pool.size()));
        List<TensorDataset> parts = pool.randomSplit(SPLIT_SEED, pool.size() - nVal, nVal);
        train = parts.get(0);
        val = parts.get(1);
    }

    private TensorDataset trainPool() {
        if (trainPool == null) {
            source();
            trainPool = location.read(TRAIN_IMAGES, TRAIN_LABELS, limitSamples);
        }
        return trainPool;
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
            return Location.directory(SourceKind.DIRECTORY, dataDir, files);
        }
        if (debianDir != null && Files.isDirectory(debianDir)) {
            DataFiles files = DataFiles.find(debianDir);
            if (files.missing().isEmpty()) {
                return Location.directory(SourceKind.DEBIAN_PACKAGE, debianDir, files);
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
        return Location.shippedSubset();
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

    /** The four files of a directory, each plain or gzipped, by name, and the names of those not found. */
    record DataFiles(Map<String, Path> found, List<String> missing) {
        static DataFiles find(Path dir) {
            Map<String, Path> found = new HashMap<>();
            List<String> missing = new ArrayList<>();
            for (String name : FILE_NAMES) {
                Stream.of(dir.resolve(name), dir.resolve(name + ".gz")).filter(Files::isRegularFile).findFirst()
                        .ifPresentOrElse(file -> found.put(name, file), () -> missing.add(name + "[.gz]"));
            }
            return new DataFiles(Map.copyOf(found), List.copyOf(missing));
        }

        /** The file of {@code name}, one of {@link #TRAIN_IMAGES} and the like. */
        Path path(String name) {
            return Objects.requireNonNull(found.get(name), name);
        }
    }

    /** Opens one of the four files by its name. */
    private interface Opener {
        InputStream open(String name) throws IOException;
    }

    /**
     * Reads file pairs from one place: a directory, or the shipped subset on the classpath.
     *
     * @param displayName the name of a file in messages: its path, or {@code classpath:} and its resource name
     */
    private record Location(SourceKind kind, String where, Opener opener, UnaryOperator<String> displayName) {
        static Location directory(SourceKind kind, Path dir, DataFiles files) {
            return new Location(kind, dir.toString(), name -> Files.newInputStream(files.path(name)),
                    name -> files.path(name).toString());
        }

        static Location shippedSubset() {
            String prefix = "classpath:" + SUBSET_RESOURCE_DIR;
            return new Location(SourceKind.SHIPPED_SUBSET, prefix, name -> {
                InputStream in = FashionMnistDataModule.class.getClassLoader()
                        .getResourceAsStream(SUBSET_RESOURCE_DIR + name + ".gz");
                if (in == null) {
                    throw new IOException("resource " + prefix + name + ".gz not found");
                }
                return in;
            }, name -> prefix + name + ".gz");
        }

        /** Reads only the headers: the sample counts of the training and test files. */
        Source describe() {
            return new Source(kind, where, pairedCount(TRAIN_IMAGES, TRAIN_LABELS),
                    pairedCount(TEST_IMAGES, TEST_LABELS));
        }

        private int pairedCount(String imagesName, String labelsName) {
            int images = read(imagesName, in -> IdxReader.readCount(in, displayName.apply(imagesName),
                    IdxReader.IMAGES_MAGIC));
            int labels = read(labelsName, in -> IdxReader.readCount(in, displayName.apply(labelsName),
                    IdxReader.LABELS_MAGIC));
            if (images != labels) {
                throw new IdxReader.IdxFormatException("image and label files do not match: "
                        + displayName.apply(imagesName) + " holds " + images + " images but "
                        + displayName.apply(labelsName) + " holds " + labels + " labels");
            }
            return images;
        }

        /** A file pair as a dataset, checked to be Fashion-MNIST; only its first {@code limit} samples if >= 0. */
        TensorDataset read(String imagesName, String labelsName, int limit) {
            String imagesFile = displayName.apply(imagesName);
            String labelsFile = displayName.apply(labelsName);
            IdxReader.Images images = read(imagesName, in -> IdxReader.readImages(in, imagesFile));
            IdxReader.Labels labels = read(labelsName, in -> IdxReader.readLabels(in, labelsFile));
            IdxReader.checkPaired(images, imagesFile, labels, labelsFile);
            if (images.rows() != SIDE || images.cols() != SIDE) {
                throw new IdxReader.IdxFormatException(imagesFile + ": images are " + images.rows() + "x"
                        + images.cols() + ", Fashion-MNIST images are " + SIDE + "x" + SIDE);
            }
            for (int i = 0; i < labels.count(); i++) {
                if (labels.label(i) >= CLASSES) {
                    throw new IdxReader.IdxFormatException(labelsFile + ": label " + labels.label(i) + " at index "
                            + i + " is not a class 0-" + (CLASSES - 1));
                }
            }
            if (limit >= 0 && limit < images.count()) {
                // only the first images become floats: a quick run does not pay for the whole file
                images = new IdxReader.Images(limit, SIDE, SIDE, Arrays.copyOf(images.pixels(), limit * SIDE * SIDE));
                labels = new IdxReader.Labels(limit, Arrays.copyOf(labels.values(), limit));
            }
            return IdxReader.toDataset(images, labels);
        }

        private <T> T read(String name, Function<InputStream, T> reader) {
            try (InputStream in = opener.open(name)) {
                return reader.apply(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + displayName.apply(name) + ": " + e.getMessage(), e);
            }
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
