package io.fulmen.tensorboard;

import io.fulmen.tensorboard.proto.HistogramProto;

import java.util.Arrays;

/**
 * Builds {@link HistogramProto}s with TensorFlow's default buckets ({@code tensorflow/core/lib/histogram}):
 * edges growing by 10% from 1e-12 to 1e20 on both sides of zero, closed by {@code ±Double.MAX_VALUE}; runs of empty
 * buckets are collapsed into one, as TensorFlow's {@code EncodeToProto} does, and each {@code bucket_limit} is the
 * right edge of its bucket.
 */
public final class Histograms {
    private static final double[] LIMITS = defaultLimits();

    private Histograms() {}

    /** The default bucket limits (right edges), ascending. */
    static double[] defaultLimits() {
        if (LIMITS != null) {
            return LIMITS.clone();
        }
        int n = 0;
        for (double v = 1e-12; v < 1e20; v *= 1.1) {
            n++;
        }
        double[] pos = new double[n + 1];
        int i = 0;
        for (double v = 1e-12; v < 1e20; v *= 1.1) {
            pos[i++] = v;
        }
        pos[n] = Double.MAX_VALUE;
        double[] all = new double[2 * pos.length + 1];
        for (int k = 0; k < pos.length; k++) {
            all[k] = -pos[pos.length - 1 - k];
        }
        all[pos.length] = 0.0;
        System.arraycopy(pos, 0, all, pos.length + 1, pos.length);
        return all;
    }

    /** The histogram of {@code values}; NaNs are ignored. */
    public static HistogramProto of(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return of(d);
    }

    /** The histogram of {@code values}; NaNs are ignored. */
    public static HistogramProto of(double[] values) {
        double[] counts = new double[LIMITS.length];
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double num = 0;
        double sum = 0;
        double sumSquares = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                continue;
            }
            int b = upperBound(v);
            if (b >= LIMITS.length) {
                b = LIMITS.length - 1;
            }
            counts[b] += 1;
            min = Math.min(min, v);
            max = Math.max(max, v);
            num += 1;
            sum += v;
            sumSquares += v * v;
        }
        HistogramProto.Builder h = HistogramProto.newBuilder()
                .setMin(min).setMax(max).setNum(num).setSum(sum).setSumSquares(sumSquares);
        for (int i = 0; i < counts.length; ) {
            double end = LIMITS[i];
            double count = counts[i];
            i++;
            if (count <= 0.0) {
                while (i < counts.length && counts[i] <= 0.0) {
                    end = LIMITS[i];
                    count = counts[i];
                    i++;
                }
            }
            h.addBucketLimit(end).addBucket(count);
        }
        if (h.getBucketCount() == 0) {
            h.addBucketLimit(Double.MAX_VALUE).addBucket(0.0);
        }
        return h.build();
    }

    /** The index of the first limit greater than {@code v}. */
    private static int upperBound(double v) {
        int i = Arrays.binarySearch(LIMITS, v);
        if (i >= 0) {
            // Equal to a limit: the value belongs to the next bucket (limits are exclusive right edges).
            while (i < LIMITS.length && LIMITS[i] == v) {
                i++;
            }
            return i;
        }
        return -i - 1;
    }
}
