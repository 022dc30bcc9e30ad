package io.fulmen.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Record;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DistributedShardTest {
    /** Samples whose value is their index, to see which ones a shard gathers. */
    private static final class Indices implements BatchSource {
        private final long size;
        final List<long[]> gathered = new ArrayList<>();

        Indices(long size) {
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public Record gather(NDManager manager, long[] indices) {
            gathered.add(indices.clone());
            return new Record(new NDList(), new NDList());
        }
    }

    @Test
    void ranksTakeInterleavedDisjointPartsPaddedByWrapping() {
        Indices source = new Indices(10);
        long[][] parts = new long[4][];
        for (int r = 0; r < 4; r++) {
            parts[r] = new DistributedShard(source, r, 4, false).indices();
        }
        assertArrayEquals(new long[] {0, 4, 8}, parts[0]);
        assertArrayEquals(new long[] {1, 5, 9}, parts[1]);
        assertArrayEquals(new long[] {2, 6, 0}, parts[2], "padded with the first samples");
        assertArrayEquals(new long[] {3, 7, 1}, parts[3]);
    }

    @Test
    void shuffledShardsCoverEverySampleAndChangeWithTheEpochSeed() {
        Indices source = new Indices(12);
        DistributedShard a = new DistributedShard(source, 0, 3, true);
        DistributedShard b = new DistributedShard(source, 1, 3, true);
        DistributedShard c = new DistributedShard(source, 2, 3, true);
        Set<Long> all = new HashSet<>();
        for (DistributedShard s : List.of(a, b, c)) {
            s.epoch(42);
            Arrays.stream(s.indices()).forEach(all::add);
        }
        assertEquals(12, all.size());
        long[] epoch42 = a.indices();
        a.epoch(43);
        assertNotEquals(Arrays.toString(epoch42), Arrays.toString(a.indices()));
        a.epoch(42);
        assertArrayEquals(epoch42, a.indices(), "the same seed gives the same order on every rank and run");
    }

    @Test
    void twoRanksOfBatch32CoverTheSamplesOfOneBatchOf64() {
        Indices source = new Indices(128);
        List<Set<Long>> perBatch = List.of(new HashSet<>(), new HashSet<>());
        for (int r = 0; r < 2; r++) {
            DataLoader loader = DistributedShard.shard(DataLoader.of(source).batchSize(32).prefetch(0).build(), r, 2);
            assertEquals(2, loader.numBatches());
            DistributedShard shard = (DistributedShard) loader.source();
            for (int i = 0; i < 2; i++) {
                long[] positions = LongStream.range(32L * i, 32L * (i + 1)).toArray();
                shard.gather(null, positions);
                Arrays.stream(source.gathered.get(source.gathered.size() - 1)).forEach(perBatch.get(i)::add);
            }
        }
        for (int i = 0; i < 2; i++) {
            Set<Long> expected = new HashSet<>();
            LongStream.range(64L * i, 64L * (i + 1)).forEach(expected::add);
            assertEquals(expected, perBatch.get(i));
        }
    }

    @Test
    void aRankOutsideTheWorldFails() {
        assertThrows(IllegalArgumentException.class, () -> new DistributedShard(new Indices(3), 2, 2, false));
    }
}
