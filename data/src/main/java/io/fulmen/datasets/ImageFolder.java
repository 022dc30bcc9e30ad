package io.fulmen.datasets;

import ai.djl.ndarray.types.Shape;
import io.fulmen.data.TensorDataset;
import org.apiguardian.api.API;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images in torchvision's {@code ImageFolder} layout, {@code root/<class>/<image>}, loaded into a
 * {@link TensorDataset}: float32 images of shape (C, H, W) with values in [0, 1], and int64 class indices.
 *
 * <pre>{@code
 * ImageFolder folder = ImageFolder.of(Path.of("flowers/train")).resize(64, 64).load();
 * List<String> names = folder.classes();          // ["daisy", "rose", "tulip"]
 * DataLoader loader = DataLoader.of(folder.dataset()).batchSize(32).shuffle(true).build();
 * }</pre>
 *
 * <p>Classes are the sub-folders of the root, sorted by name; the class index of an image is the position of its
 * folder in {@link #classes()}. Images are the {@code .png}, {@code .jpg}, {@code .jpeg}, {@code .bmp} and
 * {@code .gif} files (any letter case) under a class folder, nested folders included, in path order; other files,
 * and files and folders whose names start with a dot, are ignored. They are decoded with {@code javax.imageio}
 * into grey-scale (C = 1) or RGB (C = 3, the default) and, with {@link Builder#resize(int, int)}, resized
 * bilinearly; without it every image must have the size of the first.
 *
 * <p>Every image is decoded when {@link Builder#load()} runs and held in memory as floats: {@code n * C * H * W * 4}
 * bytes. Problems are {@link DatasetFormatException}s naming the folder or file: an empty root, a class folder
 * without images, a file that does not decode, an image of another size.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ImageFolder {
    /** The file extensions read as images, lower case. */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private final List<String> classes;
    private final List<Path> files;
    private final TensorDataset dataset;

    private ImageFolder(List<String> classes, List<Path> files, TensorDataset dataset) {
        this.classes = List.copyOf(classes);
        this.files = List.copyOf(files);
        this.dataset = dataset;
    }

    /** Starts loading the folder {@code root}: RGB, images of one size. */
    public static Builder of(Path root) {
        return new Builder(Objects.requireNonNull(root, "root"));
    }

    /** The class names, sorted: class index {@code i} is {@code classes().get(i)} (torchvision's {@code classes}). */
    public List<String> classes() {
        return classes;
    }

    /** Each class name and its index (torchvision's {@code class_to_idx}). */
    public Map<String, Integer> classToIndex() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            out.put(classes.get(i), i);
        }
        return out;
    }

    /** The image files, in the order of the dataset's samples. */
    public List<Path> files() {
        return files;
    }

    /** The images and their class indices. */
    public TensorDataset dataset() {
        return dataset;
    }

    /** How images are decoded. */
    public enum ColorMode {
        /** One channel; colour images are converted with ITU-R 601-2 luma, as PIL's {@code convert("L")}. */
        GRAYSCALE(1),
        /** Three channels R, G, B; grey images are repeated into all three, alpha is dropped. */
        RGB(3);

        private final int channels;

        ColorMode(int channels) {
            this.channels = channels;
        }

        /** The number of channels, C. */
        public int channels() {
            return channels;
        }
    }

    /** Options of the load: colour mode and size. */
    public static final class Builder {
        private final Path root;
        private ColorMode colorMode = ColorMode.RGB;
        private int height = -1;
        private int width = -1;

        private Builder(Path root) {
            this.root = root;
        }

        /** Grey-scale or RGB (the default, as torchvision's loader converts to RGB). */
        public Builder colorMode(ColorMode value) {
            this.colorMode = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Resizes every image to {@code height x width}; by default all images must share one size. */
        public Builder resize(int height, int width) {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("resize needs a positive height and width, got " + height + "x"
                        + width);
            }
            this.height = height;
            this.width = width;
            return this;
        }

        /**
         * Finds and decodes every image.
         *
         * @throws DatasetFormatException naming the folder or file of the first problem
         * @throws UncheckedIOException when a folder or file cannot be read
         */
        public ImageFolder load() {
            List<String> classes = classFolders(root);
            List<Path> files = new ArrayList<>();
            List<Long> labels = new ArrayList<>();
            for (int i = 0; i < classes.size(); i++) {
                List<Path> images = images(root.resolve(classes.get(i)));
                files.addAll(images);
                for (int k = 0; k < images.size(); k++) {
                    labels.add((long) i);
                }
            }
            return new ImageFolder(classes, files, decodeAll(files, labels));
        }

        private TensorDataset decodeAll(List<Path> files, List<Long> labels) {
            int channels = colorMode.channels();
            float[] data = null;
            int h = height;
            int w = width;
            Path first = files.get(0);
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                BufferedImage image = decode(file);
                if (height < 0 && h < 0) {
                    h = image.getHeight();
                    w = image.getWidth();
                } else if (height < 0 && (image.getHeight() != h || image.getWidth() != w)) {
                    throw new DatasetFormatException(file + " is " + image.getHeight() + "x" + image.getWidth()
                            + " (height x width), but " + first + ", the first image, is " + h + "x" + w
                            + "; all images must have one size, or call resize(height, width)");
                }
                if (data == null) {
                    long total = (long) files.size() * channels * h * w;
                    if (total > Integer.MAX_VALUE - 8) {
                        throw new DatasetFormatException(root + ": " + files.size() + " images of " + channels
                                + "x" + h + "x" + w + " are " + total + " floats, more than one Java array holds;"
                                + " resize them smaller or split the folder");
                    }
                    data = new float[(int) total];
                }
                float[] planes = ImagePixels.resize(ImagePixels.planes(image, channels), channels,
                        image.getHeight(), image.getWidth(), h, w);
                System.arraycopy(planes, 0, data, i * planes.length, planes.length);
            }
            long[] classIndices = labels.stream().mapToLong(Long::longValue).toArray();
            return TensorDataset.builder().data(data, new Shape(channels, h, w)).labels(classIndices).build();
        }
    }

    private static List<String> classFolders(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException("image folder " + root + " does not exist or is not a directory");
        }
        List<String> classes;
        try (Stream<Path> entries = Files.list(root)) {
            classes = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the image folder " + root + ": " + e.getMessage(), e);
        }
        if (classes.isEmpty()) {
            throw new DatasetFormatException("image folder " + root + " has no class folders; ImageFolder expects"
                    + " root/<class>/<image>, one folder per class");
        }
        return classes;
    }

    private static List<Path> images(Path classFolder) {
        List<Path> images;
        try (Stream<Path> entries = Files.walk(classFolder)) {
            images = entries.filter(p -> isImageName(classFolder.relativize(p)) && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the class folder " + classFolder + ": " + e.getMessage(), e);
        }
        if (images.isEmpty()) {
            throw new DatasetFormatException("class folder " + classFolder + " holds no images (" + String.join(", ",
                    EXTENSIONS) + "); remove it or add images");
        }
        return images;
    }

    private static boolean isImageName(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        String name = relative.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static BufferedImage decode(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DatasetFormatException(file + ": cannot decode the image (" + e.getMessage() + ")", e);
        }
        if (image == null) {
            throw new DatasetFormatException(file + ": not an image javax.imageio can decode (PNG, JPEG, BMP, GIF)");
        }
        return image;
    }
}
