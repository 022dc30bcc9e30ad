package io.fulmen.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

class RandomSplitTest {
    private static TensorDataset dataset(int size) {
        float[] features = new float[size * 2];
        long[] labels = new long[size];
        for (int i = 0; i < size; i++) {
            features[2 * i] = i;
            features[2 * i + 1] = -i;
            labels[i] = i % 3;
        }
        return TensorDataset.builder().data(features, new Shape(2)).labels(labels).build();
    }

    private static long[] sizes(List<TensorDataset> parts) {
        return parts.stream().mapToLong(TensorDataset::size).toArray();
    }

    @Test
    void countsGiveDisjointPartsCoveringTheDataset() {
        List<TensorDataset> parts = dataset(100).randomSplit(42, 70, 20, 10);
        assertArrayEquals(new long[] {70, 20, 10}, sizes(parts));
        Set<Long> seen = new HashSet<>();
        for (TensorDataset part : parts) {
            for (long row : part.columnRows()) {
                assertTrue(seen.add(row), "row " + row + " is in two parts");
            }
        }
        assertEquals(100, seen.size());
        assertTrue(seen.stream().allMatch(r -> r >= 0 && r < 100), seen.toString());
        long[] first = parts.get(0).columnRows();
        assertFalse(Arrays.equals(LongStream.range(0, 70).toArray(), first), "the split must shuffle");
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        TensorDataset d = dataset(1000);
        List<TensorDataset> a = d.randomSplit(42, 900, 100);
        List<TensorDataset> b = dataset(1000).randomSplit(42, 900, 100);
        List<TensorDataset> c = d.randomSplit(43, 900, 100);
        assertArrayEquals(a.get(1).columnRows(), b.get(1).columnRows());
        assertArrayEquals(a.get(0).columnRows(), b.get(0).columnRows());
        assertFalse(Arrays.equals(a.get(1).columnRows(), c.get(1).columnRows()));
    }

    @Test
    void thePartsAreRunsOfTheShufflingLoadersPermutation() {
        long[] order = BatchStream.order(50, true, 7);
        List<TensorDataset> parts = dataset(50).randomSplit(7, 30, 20);
        assertArrayEquals(Arrays.copyOfRange(order, 0, 30), parts.get(0).columnRows());
        assertArrayEquals(Arrays.copyOfRange(order, 30, 50), parts.get(1).columnRows());
    }

    @Test
    void fractionsAreFlooredThenTheRemainderGoesRoundRobin() {
        // the examples of torch.utils.data.random_split's documentation and its rounding
        assertArrayEquals(new long[] {9, 9, 12}, sizes(dataset(30).randomSplit(42, 0.3, 0.3, 0.4)));
        assertArrayEquals(new long[] {4, 3}, sizes(dataset(7).randomSplit(42, 0.5, 0.5)));
        assertArrayEquals(new long[] {2, 1, 1, 1}, sizes(dataset(5).randomSplit(42, 0.25, 0.25, 0.25, 0.25)));
        assertArrayEquals(new long[] {4, 3, 3}, sizes(dataset(10).randomSplit(42, 0.33, 0.33, 0.34)));
        assertArrayEquals(new long[] {2, 2, 1, 1, 1, 1, 1, 1, 1, 1}, sizes(dataset(12).randomSplit(1,
                0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1)));
        // 0.7 + 0.2 + 0.1 is 0.9999999999999999 in doubles: close enough to 1, as for PyTorch
        assertArrayEquals(new long[] {70, 20, 10}, sizes(dataset(100).randomSplit(3, 0.7, 0.2, 0.1)));
        assertArrayEquals(new long[] {0, 6}, sizes(dataset(6).randomSplit(3, 0.0, 1.0)));
    }

    @Test
    void fractionsAndCountsDrawTheSamePermutation() {
        TensorDataset d = dataset(60);
        assertArrayEquals(d.randomSplit(5, 0.75, 0.25).get(1).columnRows(),
                d.randomSplit(5, 45, 15).get(1).columnRows());
    }

    @Test
    void lengthsThatDoNotAddUpNameTheLengthsAndTheDatasetSize() {
        TensorDataset d = dataset(60);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.randomSplit(42, 50, 5));
        assertTrue(e.getMessage().contains("lengths [50, 5] add up to 55, but the dataset holds 60 samples"),
                e.getMessage());
        // a forgotten seed: 55 becomes the seed and the lengths are [5]
        IllegalArgumentException noSeed = assertThrows(IllegalArgumentException.class, () -> d.randomSplit(55, 5));
        assertTrue(noSeed.getMessage().contains("the first argument is the seed"), noSeed.getMessage());

        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> d.randomSplit(42, 70, -10));
        assertTrue(negative.getMessage().contains("length -10 at index 1 is negative"), negative.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> d.randomSplit(42));
        assertTrue(none.getMessage().contains("at least one length"), none.getMessage());
    }

    @Test
    void badFractionsAreReported() {
        TensorDataset d = dataset(60);
        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class,
                () -> d.randomSplit(42, 0.8, 0.1));
        assertTrue(sum.getMessage().contains("fractions [0.8, 0.1] add up to 0.9"), sum.getMessage());
        assertTrue(sum.getMessage().contains("not 1"), sum.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> d.randomSplit(42, 1.5, -0.5));
        assertTrue(range.getMessage().contains("fraction 1.5 at index 0 is not between 0 and 1"),
                range.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> d.randomSplit(42, Double.NaN, 1.0));
        assertTrue(nan.getMessage().contains("fraction NaN at index 0"), nan.getMessage());
    }

    @Test
    void slicesAndSubsetsOfAPartAddressThePartsOwnSamples() {
        TensorDataset part = dataset(40).randomSplit(9, 25, 15).get(0);
        long[] rows = part.columnRows();
        assertArrayEquals(Arrays.copyOfRange(rows, 5, 12), part.slice(5, 12).columnRows());
        // a subset copies the samples: its own rows are 0..n-1
        assertArrayEquals(new long[] {0, 1, 2}, part.subset(new long[] {3, 0, 24}).columnRows());
        assertThrows(IndexOutOfBoundsException.class, () -> part.subset(new long[] {25}));
        assertThrows(IndexOutOfBoundsException.class, () -> part.slice(0, 26));

        // splitting a slice draws from the slice's samples only
        TensorDataset slice = dataset(40).slice(10, 20);
        Set<Long> seen = new HashSet<>();
        for (TensorDataset p : slice.randomSplit(1, 0.5, 0.5)) {
            for (long r : p.columnRows()) {
                seen.add(r);
            }
        }
        assertEquals(Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
    }
}
