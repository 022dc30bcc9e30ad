package io.fulmen.wandb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code .wandb} framing, byte by byte: chunk types, records across blocks and the padding at a block's end. */
class LogFramingTest {
    private static final int BLOCK = 32768;

    @TempDir
    Path dir;

    private static byte[] frame(byte[]... records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogFraming framing = new LogFraming(out);
        for (byte[] r : records) {
            framing.append(r);
        }
        assertEquals(out.size(), framing.position());
        return out.toByteArray();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Chunk {@code i}'s type, length and start, read from the bytes. */
    private record Chunk(int at, int length, int type) {}

    private static List<Chunk> chunks(byte[] b) {
        List<Chunk> out = new ArrayList<>();
        int pos = 7;
        while (pos < b.length) {
            int left = BLOCK - pos % BLOCK;
            if (left < 7) {
                pos += left;
                continue;
            }
            int length = (b[pos + 4] & 0xFF) | (b[pos + 5] & 0xFF) << 8;
            out.add(new Chunk(pos, length, b[pos + 6]));
            pos += 7 + length;
        }
        return out;
    }

    @Test
    void theFileHeaderAndAFullChunkAreByteExact() throws IOException {
        // The CRC is Python's zlib.crc32(b"hello", zlib.crc32(bytes([1]))) = 0x8aac239d, as W&B's writer computes it.
        byte[] expected = {0x3A, 0x57, 0x26, 0x42, (byte) 0xE1, (byte) 0xBE, 0x00,
                (byte) 0x9d, 0x23, (byte) 0xac, (byte) 0x8a, 5, 0, 1, 'h', 'e', 'l', 'l', 'o'};
        assertArrayEquals(expected, frame("hello".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aRecordSpanningBlocksIsFirstMiddlesAndLast() throws IOException {
        byte[] big = bytes(100_000, 1);
        byte[] file = frame(big);
        assertEquals(List.of(new Chunk(7, BLOCK - 14, 2), new Chunk(BLOCK, BLOCK - 7, 3),
                new Chunk(2 * BLOCK, BLOCK - 7, 3), new Chunk(3 * BLOCK, 100_000 - (BLOCK - 14) - 2 * (BLOCK - 7), 4)),
                chunks(file));
        assertArrayEquals(big, StrictLogReader.read(file, false).payloads().get(0));
    }

    @Test
    void aChunkHoldsAtMostABlockLessItsHeader() throws IOException {
        int firstFills = BLOCK - 14;                  // a FULL chunk that ends exactly at the block's end
        byte[] file = frame(bytes(firstFills, 1), bytes(BLOCK - 7, 2), bytes(BLOCK - 6, 3));
        assertEquals(List.of(new Chunk(7, firstFills, 1), new Chunk(BLOCK, BLOCK - 7, 1),
                new Chunk(2 * BLOCK, BLOCK - 7, 2), new Chunk(3 * BLOCK, 1, 4)), chunks(file));
        assertEquals(3, StrictLogReader.read(file, false).payloads().size());
    }

    /** The first record ends {@code left} bytes before the block's end; then a 10-byte record follows. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8})
    void theEndOfABlockIsPaddedOnlyWhenAChunkHeaderDoesNotFit(int left) throws IOException {
        byte[] first = bytes(BLOCK - 14 - left, 1);
        byte[] second = bytes(10, 2);
        byte[] alone = frame(first);
        assertEquals(BLOCK - left, alone.length, "no padding at the end of the file");
        assertEquals(1, StrictLogReader.read(alone, false).payloads().size());

        byte[] file = frame(first, second);
        List<Chunk> chunks = chunks(file);
        if (left == 7) {
            assertEquals(List.of(new Chunk(BLOCK - 7, 0, 2), new Chunk(BLOCK, 10, 4)), chunks.subList(1, 3),
                    "an empty FIRST chunk fills the block");
        } else if (left > 7) {
            assertEquals(List.of(new Chunk(BLOCK - left, left - 7, 2), new Chunk(BLOCK, 10 - (left - 7), 4)),
                    chunks.subList(1, 3));
        } else {
            assertEquals(new Chunk(BLOCK, 10, 1), chunks.get(1));
            assertArrayEquals(new byte[left], Arrays.copyOfRange(file, BLOCK - left, BLOCK), "zero padding");
        }
        List<byte[]> read = StrictLogReader.read(file, false).payloads();
        assertArrayEquals(first, read.get(0));
        assertArrayEquals(second, read.get(1));
    }

    @Test
    void randomRecordsReadBackWithBothReaders() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(bytes(rng.nextInt(10) == 0 ? 1 + rng.nextInt(70_000) : 1 + rng.nextInt(300), i));
        }
        byte[] file = frame(records.toArray(byte[][]::new));
        List<byte[]> strict = StrictLogReader.read(file, false).payloads();
        Path path = Files.write(dir.resolve("run.wandb"), file);
        List<byte[]> tolerant = LogReader.completeRecords(path);
        assertEquals(records.size(), strict.size());
        assertEquals(records.size(), tolerant.size());
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(records.get(i), strict.get(i));
            assertArrayEquals(records.get(i), tolerant.get(i));
        }
    }

    @Test
    void theStrictReaderRefusesDamageAndTheResumeReaderStopsBeforeIt() throws IOException {
        byte[] file = frame(bytes(100, 1), bytes(40_000, 2), bytes(100, 3));
        byte[] badCrc = file.clone();
        badCrc[7 + 107 + 10] ^= 1;                    // a data byte of the second record's FIRST chunk
        assertThrows(AssertionError.class, () -> StrictLogReader.read(badCrc, false));
        assertEquals(1, LogReader.completeRecords(Files.write(dir.resolve("a.wandb"), badCrc)).size());

        byte[] torn = Arrays.copyOf(file, BLOCK + 100);
        assertThrows(AssertionError.class, () -> StrictLogReader.read(torn, false));
        StrictLogReader.Result tail = StrictLogReader.read(torn, true);
        assertEquals(1, tail.payloads().size());
        assertEquals(BLOCK + 100 - 114, tail.tornTailBytes());
        assertEquals(1, LogReader.completeRecords(Files.write(dir.resolve("b.wandb"), torn)).size());

        byte[] badHeader = file.clone();
        badHeader[4] = 0;
        assertThrows(AssertionError.class, () -> StrictLogReader.read(badHeader, false));
        assertEquals(0, LogReader.completeRecords(Files.write(dir.resolve("c.wandb"), badHeader)).size());
    }

    @Test
    void nonZeroPaddingIsRefused() throws IOException {
        byte[] file = frame(bytes(BLOCK - 14 - 3, 1), bytes(10, 2));
        file[BLOCK - 2] = 1;
        assertThrows(AssertionError.class, () -> StrictLogReader.read(file, false));
    }
}
