package io.fulmen.data;

import java.util.Arrays;

/** The arithmetic of PyTorch's {@code random_split}: part sizes from counts or fractions, and the seeded draw. */
final class RandomSplit {
    /** PyTorch accepts fractions whose sum {@code math.isclose} to 1 (relative tolerance 1e-9). */
    private static final double FRACTION_SUM_TOLERANCE = 1e-9;

    private RandomSplit() {}

    /** The counts, checked: none negative, adding up to {@code size}. */
    static long[] checkedCounts(long size, long[] lengths) {
        checkNotEmpty(lengths.length);
        long sum = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("randomSplit: length " + lengths[i] + " at index " + i
                        + " is negative (lengths " + Arrays.toString(lengths) + ")");
            }
            sum += lengths[i];
        }
        if (sum != size) {
            throw new IllegalArgumentException("randomSplit: lengths " + Arrays.toString(lengths) + " add up to "
                    + sum + ", but the dataset holds " + size + " samples (the first argument is the seed, the"
                    + " lengths follow it)");
        }
        return lengths.clone();
    }

    /**
     * The counts of parts holding {@code fractions} of {@code size} samples: each floored, then the remainder
     * handed out one by one, round-robin from the first part, as PyTorch does.
     */
    static long[] countsOf(long size, double[] fractions) {
        checkNotEmpty(fractions.length);
        double sum = 0;
        long[] counts = new long[fractions.length];
        long assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            double f = fractions[i];
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("randomSplit: fraction " + f + " at index " + i
                        + " is not between 0 and 1 (fractions " + Arrays.toString(fractions) + ")");
            }
            sum += f;
            counts[i] = (long) Math.floor(size * f);
            assigned += counts[i];
        }
        if (Math.abs(sum - 1) > FRACTION_SUM_TOLERANCE) {
            throw new IllegalArgumentException("randomSplit: fractions " + Arrays.toString(fractions) + " add up to "
                    + sum + ", not 1; pass whole numbers of samples to split by counts");
        }
        for (long r = 0; r < size - assigned; r++) {
            counts[(int) (r % counts.length)]++;
        }
        return counts;
    }

    private static void checkNotEmpty(int parts) {
        if (parts == 0) {
            throw new IllegalArgumentException("randomSplit: give at least one length or fraction after the seed");
        }
    }

    /**
     * The samples of each part: a seeded permutation of {@code 0..size-1} (the one a shuffling DataLoader draws
     * from the same seed) cut into consecutive runs of {@code counts}.
     */
    static long[][] split(long size, long seed, long[] counts) {
        long[] order = BatchStream.order(size, true, seed);
        long[][] parts = new long[counts.length][];
        int from = 0;
        for (int i = 0; i < counts.length; i++) {
            int to = from + Math.toIntExact(counts[i]);
            parts[i] = Arrays.copyOfRange(order, from, to);
            from = to;
        }
        return parts;
    }
}
