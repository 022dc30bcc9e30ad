package io.fulmen.tensorboard;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** PNG encoding of HWC float images in [0, 1], as TensorBoard's image summaries hold them. */
final class Images {
    private Images() {}

    static byte[] png(float[] pixels, int height, int width, int channels) {
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("images have 1, 3 or 4 channels, got " + channels);
        }
        if (height <= 0 || width <= 0 || pixels.length != height * width * channels) {
            throw new IllegalArgumentException(pixels.length + " values do not make a " + height + "x" + width + "x"
                    + channels + " image");
        }
        int type = channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : channels == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB;
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = (y * width + x) * channels;
                if (channels == 1) {
                    image.getRaster().setSample(x, y, 0, byteOf(pixels[at]));
                } else {
                    int argb = (channels == 4 ? byteOf(pixels[at + 3]) : 255) << 24 | byteOf(pixels[at]) << 16
                            | byteOf(pixels[at + 1]) << 8 | byteOf(pixels[at + 2]);
                    image.setRGB(x, y, argb);
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
}
