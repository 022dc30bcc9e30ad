package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fulmen.spi.CheckpointData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The background checkpoint writer: snapshots at save time, order of saves and removals, failures reported. */
class AsyncCheckpointIOTest {
    @TempDir
    Path dir;

    private NDManager manager;
    private AsyncCheckpointIO io;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        io = new AsyncCheckpointIO();
    }

    @AfterEach
    void tearDown() {
        io.teardown();
        manager.close();
    }

    private CheckpointData checkpoint(NDArray weights, int step) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("model/w", weights);
        return new CheckpointData("{\"global_step\":" + step + "}", tensors);
    }

    @Test
    void aSaveWritesTheTensorsAsTheyWereWhenItReturnedNotAsTheyAreLater() {
        NDArray w = manager.create(new float[] {1, 2, 3, 4});
        Path file = dir.resolve("a.ckpt");
        io.save(checkpoint(w, 1), file);
        w.addi(100f); // training goes on while the write happens
        io.flush();
        CheckpointData read = io.load(file, manager);
        assertArrayEquals(new float[] {1, 2, 3, 4}, read.tensors().get("model/w").toFloatArray());
        assertTrue(read.manifestJson().contains("\"global_step\":1"), read.manifestJson());
    }

    @Test
    void removalsTakeEffectAfterTheSavesIssuedBeforeThem() {
        // 16 MB per save, so that the removal is issued while the save is still writing.
        NDArray big = manager.ones(new Shape(4 << 20));
        Path kept = dir.resolve("kept.ckpt");
        Path removed = dir.resolve("sub/removed.ckpt");
        io.save(checkpoint(big, 1), removed);
        io.remove(removed);
        io.save(checkpoint(big, 2), kept);
        io.flush();
        assertFalse(Files.exists(removed), "the removal ran before the save it followed");
        assertTrue(Files.isRegularFile(kept));
        assertTrue(io.load(kept, manager).manifestJson().contains("\"global_step\":2"));
    }

    @Test
    void aFailedBackgroundWriteIsReportedWithTheFileByTheNextCall() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        Path file = notADirectory.resolve("a.ckpt");
        NDArray w = manager.create(new float[] {1});
        io.save(checkpoint(w, 1), file);
        IllegalStateException e = assertThrows(IllegalStateException.class, io::flush);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        io.flush(); // reported once
        io.save(checkpoint(w, 2), dir.resolve("b.ckpt"));
        io.flush();
        assertTrue(Files.isRegularFile(dir.resolve("b.ckpt")), "the writer keeps working after a failure");
    }
}
