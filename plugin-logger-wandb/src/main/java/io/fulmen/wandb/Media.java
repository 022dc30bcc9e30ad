package io.fulmen.wandb;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Media values as W&amp;B encodes them in history and summary: an image is a PNG under
 * {@code files/media/images/} and the value {@code {"_type": "image-file", "path", "sha256", "size", "width",
 * "height", "format": "png"}}; a histogram is {@code {"_type": "histogram", "values": counts, "bins": edges}} with
 * one more edge than counts.
 */
final class Media {
    /** An encoded value and the file under {@code files/} it names, if any. */
    record Encoded(JsonValues.Json value, String file) {}

    private Media() {}

    /** Writes {@code pixels} (height × width × channels floats in [0, 1]) as a PNG under {@code filesDir}. */
    static Encoded image(Path filesDir, String key, long step, float[] pixels, int height, int width, int channels) {
        byte[] png = png(pixels, height, width, channels);
        String sha = sha256(png);
        String file = "media/images/" + key.replaceAll("[^A-Za-z0-9._-]", "_") + "_" + step + "_" + sha.substring(0, 20)
                + ".png";
        try {
            Path target = filesDir.resolve(file);
            Files.createDirectories(target.getParent());
            Files.write(target, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + " in " + filesDir, e);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("_type", "image-file");
        v.put("path", file);
        v.put("sha256", sha);
        v.put("size", png.length);
        v.put("width", width);
        v.put("height", height);
        v.put("format", "png");
        return new Encoded(new JsonValues.Json(JsonValues.of(v)), file);
    }

    /** {@code bins} equal-width bins over the finite values' range; non-finite values are left out. */
    static JsonValues.Json histogram(double[] values, int bins) {
        if (bins < 1 || bins > 512) {
            throw new IllegalArgumentException("a W&B histogram has 1 to 512 bins, got " + bins);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > max) {
            min = 0;
            max = 0;
        }
        if (min == max) {
            min -= 0.5;
            max += 0.5;
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = i == bins ? max : min + (max - min) * i / bins;
        }
        long[] counts = new long[bins];
        for (double v : values) {
            if (Double.isFinite(v)) {
                counts[Math.min(bins - 1, (int) ((v - min) / (max - min) * bins))]++;
            }
        }
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("_type", "histogram");
        h.put("values", counts);
        h.put("bins", edges);
        return new JsonValues.Json(JsonValues.of(h));
    }

    private static byte[] png(float[] pixels, int height, int width, int channels) {
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("images have 1, 3 or 4 channels, got " + channels);
        }
        if (height <= 0 || width <= 0 || pixels.length != height * width * channels) {
            throw new IllegalArgumentException(pixels.length + " values do not make a " + height + "x" + width + "x"
                    + channels + " image");
        }
        BufferedImage image = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : channels == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = (y * width + x) * channels;
                if (channels == 1) {
                    image.getRaster().setSample(x, y, 0, byteOf(pixels[at]));
                } else {
                    int alpha = channels == 4 ? byteOf(pixels[at + 3]) : 255;
                    image.setRGB(x, y, alpha << 24 | byteOf(pixels[at]) << 16 | byteOf(pixels[at + 1]) << 8
                            | byteOf(pixels[at + 2]));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a PNG in memory failed", e);
        }
        return out.toByteArray();
    }

    private static int byteOf(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
