package io.fulmen.datasets;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/** Decoded images as float32 planes: channel-first (C, H, W), values in [0, 1]. */
final class ImagePixels {
    private ImagePixels() {}

    /**
     * The image's pixels as {@code channels} planes (1: grey, 3: R, G, B). Grey images are read from their raster,
     * because {@link BufferedImage#getRGB} would pass them through a linear-to-sRGB conversion; colour images become
     * grey by ITU-R 601-2 luma (0.299 R + 0.587 G + 0.114 B, PIL's {@code convert("L")}); alpha is dropped.
     */
    static float[] planes(BufferedImage image, int channels) {
        int h = image.getHeight();
        int w = image.getWidth();
        int area = h * w;
        float[] out = new float[channels * area];
        if (isGrey(image)) {
            Raster raster = image.getRaster();
            float max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < area; i++) {
                float v = samples[i] / max;
                for (int c = 0; c < channels; c++) {
                    out[c * area + i] = v;
                }
            }
            return out;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < area; i++) {
            float r = ((argb[i] >> 16) & 0xff) / 255f;
            float g = ((argb[i] >> 8) & 0xff) / 255f;
            float b = (argb[i] & 0xff) / 255f;
            if (channels == 1) {
                out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            } else {
                out[i] = r;
                out[area + i] = g;
                out[2 * area + i] = b;
            }
        }
        return out;
    }

    private static boolean isGrey(BufferedImage image) {
        return image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && image.getColorModel().getNumColorComponents() == 1;
    }

    /**
     * Bilinear resampling of each plane to {@code outH x outW}, sampling at pixel centres as PyTorch's
     * {@code interpolate(mode="bilinear", align_corners=False)} does (without antialiasing, so strong
     * down-scaling aliases).
     */
    static float[] resize(float[] planes, int channels, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return planes;
        }
        float[] out = new float[channels * outH * outW];
        for (int y = 0; y < outH; y++) {
            float sy = Math.max((y + 0.5f) * h / outH - 0.5f, 0f);
            int y0 = Math.min((int) sy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            float fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                float sx = Math.max((x + 0.5f) * w / outW - 0.5f, 0f);
                int x0 = Math.min((int) sx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                float fx = sx - x0;
                for (int c = 0; c < channels; c++) {
                    int base = c * h * w;
                    float top = planes[base + y0 * w + x0] * (1 - fx) + planes[base + y0 * w + x1] * fx;
                    float bottom = planes[base + y1 * w + x0] * (1 - fx) + planes[base + y1 * w + x1] * fx;
                    out[c * outH * outW + y * outW + x] = top * (1 - fy) + bottom * fy;
                }
            }
        }
        return out;
    }
}
