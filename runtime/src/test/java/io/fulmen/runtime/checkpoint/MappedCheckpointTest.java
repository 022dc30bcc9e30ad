package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link CheckpointReader#map}: arrays over a private mapping of the file, checked as strictly as a read. */
class MappedCheckpointTest {
    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private Path sample(String name) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("model/01Linear_weight", manager.create(new float[] {1.5f, Float.NaN, -0.0f, 3e-38f, 7, 8},
                new Shape(2, 3)));
        tensors.put("f64", manager.create(new double[] {Math.PI, -1e300}));
        tensors.put("empty", manager.create(new Shape(0, 4), DataType.INT32));
        tensors.put("int64", manager.create(new long[] {Long.MIN_VALUE, 5, Long.MAX_VALUE}));
        tensors.put("int8", manager.create(new byte[] {-128, 0, 127}));
        tensors.put("boolean", manager.create(new boolean[] {true, false, true}));
        JsonObject manifest = new JsonObject();
        manifest.addProperty("epoch", 2);
        Path file = dir.resolve(name);
        CheckpointWriter.write(file, new Checkpoint(manifest, tensors));
        return file;
    }

    @Test
    void mappedTensorsEqualReadOnesBitForBitAndWritesNeverReachTheFile() throws IOException {
        Path file = sample("a.ckpt");
        byte[] before = Files.readAllBytes(file);
        try (NDManager mapped = NDManager.newBaseManager(); NDManager read = NDManager.newBaseManager()) {
            Checkpoint m = CheckpointReader.map(file, mapped);
            Checkpoint r = CheckpointReader.read(file, read);
            assertEquals(r.manifest(), m.manifest());
            assertEquals(r.tensors().keySet(), m.tensors().keySet());
            r.tensors().forEach((name, array) -> {
                NDArray other = m.tensors().get(name);
                assertEquals(array.getDataType(), other.getDataType(), name);
                assertEquals(array.getShape(), other.getShape(), name);
                assertArrayEquals(bytes(array), bytes(other), name);
            });
            NDArray weight = m.tensors().get("model/01Linear_weight");
            weight.muli(2); // a copy-on-write page: the array changes, the file does not
            assertEquals(3f, weight.toFloatArray()[0]);
            assertEquals(0, mapped.getManagedArrays().size() - m.tensors().size());
        }
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void mappedArraysStayValidWhenTheFileIsReplacedByARenameOrDeleted() throws IOException {
        Path file = sample("a.ckpt");
        Checkpoint m = CheckpointReader.map(file, manager);
        float[] expected = m.tensors().get("model/01Linear_weight").toFloatArray().clone();
        Path other = dir.resolve("other.ckpt");
        CheckpointWriter.write(other, Checkpoint.builder().tensor("model/01Linear_weight",
                manager.zeros(new Shape(2, 3))).build());
        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertArrayEquals(expected, m.tensors().get("model/01Linear_weight").toFloatArray());
        Files.delete(file);
        assertArrayEquals(expected, m.tensors().get("model/01Linear_weight").toFloatArray());
    }

    @Test
    void tensorsSpreadOverSeveralMappingsAreMappedWhole() throws IOException {
        NDArray a = manager.randomUniform(0, 1, new Shape(3000)); // 12000 bytes each
        NDArray b = manager.randomUniform(0, 1, new Shape(3000));
        NDArray c = manager.randomUniform(0, 1, new Shape(10));
        Path file = dir.resolve("w.ckpt");
        CheckpointWriter.write(file, Checkpoint.builder().tensor("a", a).tensor("b", b).tensor("c", c).build());
        for (long window : new long[] {12_000, 16_384, 30_000, MappedTensors.MAX_WINDOW}) {
            try (NDManager m = NDManager.newBaseManager();
                 FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                CheckpointReader.Layout layout = CheckpointReader.readLayout(file, channel);
                Map<String, NDArray> mapped = MappedTensors.map(file, channel, layout.entries(), m, window);
                assertArrayEquals(a.toFloatArray(), mapped.get("a").toFloatArray(), "window " + window);
                assertArrayEquals(b.toFloatArray(), mapped.get("b").toFloatArray(), "window " + window);
                assertArrayEquals(c.toFloatArray(), mapped.get("c").toFloatArray(), "window " + window);
            }
        }
    }

    @Test
    void aCorruptTensorIsRefusedNamingTheFileAndTheTensorAndLeavesNoArray() throws IOException {
        NDArray big = manager.randomUniform(0, 1, new Shape(100_000));
        Path file = dir.resolve("big.ckpt");
        CheckpointWriter.write(file, Checkpoint.builder().tensor("small", manager.create(new float[] {1, 2}))
                .tensor("big", big).build());
        byte[] bytes = Files.readAllBytes(file);
        long offset;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            offset = CheckpointReader.readLayout(file, channel).entries().get(1).offset();
        }
        for (int at : new int[] {0, 123_457, 399_999}) {
            byte[] damaged = bytes.clone();
            damaged[(int) offset + at] ^= 0x10;
            Path bad = Files.write(dir.resolve("bad-" + at + ".ckpt"), damaged);
            try (NDManager m = NDManager.newBaseManager()) {
                CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                        () -> CheckpointReader.map(bad, m));
                assertEquals(bad + ": tensor 'big' is corrupt (CRC32C mismatch)", e.getMessage());
                assertEquals(0, m.getManagedArrays().size(), "arrays left after a refused file");
            }
        }
    }

    @Test
    void everySingleByteFlipAnywhereIsRefusedByTheMappedPath() throws IOException {
        Path file = sample("a.ckpt");
        byte[] original = Files.readAllBytes(file);
        Path damaged = dir.resolve("damaged.ckpt");
        for (int i = 0; i < original.length; i++) {
            byte[] bytes = original.clone();
            bytes[i] ^= (byte) 0x01;
            Files.write(damaged, bytes);
            try (NDManager m = NDManager.newBaseManager()) {
                CheckpointReader.map(damaged, m);
                fail("byte " + i + " flipped was not noticed");
            } catch (CheckpointFormatException e) {
                assertTrue(e.getMessage().startsWith(damaged + ": "), e.getMessage());
            }
        }
    }

    @Test
    void aTruncatedFileIsRefusedBeforeAnythingIsMapped() throws IOException {
        Path file = sample("a.ckpt");
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.ckpt"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CheckpointReader.map(cut, manager));
        assertTrue(e.getMessage().startsWith(cut + ": truncated"), e.getMessage());
    }

    private static byte[] bytes(NDArray array) {
        java.nio.ByteBuffer b = array.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void readReusingFillsMatchingArraysLeavesOthersAloneAndRefusesACorruptTensorNamingIt() throws IOException {
        Path file = dir.resolve("r.ckpt");
        CheckpointWriter.write(file, Checkpoint.builder()
                .tensor("w", manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)))
                .tensor("b", manager.create(new float[] {7, 8, 9})).build());
        NDArray w = manager.zeros(new Shape(2, 3));
        NDArray wrongShape = manager.zeros(new Shape(4));
        try (NDManager m = NDManager.newBaseManager()) {
            Checkpoint read = CheckpointReader.readReusing(file, m, Map.of("w", w, "b", wrongShape));
            assertSame(w, read.tensors().get("w"));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloatArray());
            NDArray b = read.tensors().get("b");
            assertTrue(b != wrongShape && b.getManager() == m, "b must be created on the given manager");
            assertArrayEquals(new float[] {7, 8, 9}, b.toFloatArray());
            assertArrayEquals(new float[4], wrongShape.toFloatArray());
        }
        byte[] bytes = Files.readAllBytes(file);
        long offset;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            offset = CheckpointReader.readLayout(file, channel).entries().get(0).offset();
        }
        bytes[(int) offset + 5] ^= 0x02;
        Path bad = Files.write(dir.resolve("bad.ckpt"), bytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CheckpointReader.readReusing(bad, manager, Map.of("w", w)));
        assertEquals(bad + ": tensor 'w' is corrupt (CRC32C mismatch)", e.getMessage());
    }
}
