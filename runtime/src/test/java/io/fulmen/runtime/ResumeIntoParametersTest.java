package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fulmen.data.DataSource;
import io.fulmen.optim.Sgd;
import io.fulmen.runtime.checkpoint.CheckpointFormatException;
import io.fulmen.runtime.checkpoint.CheckpointReader;
import io.fulmen.runtime.checkpoint.FulmenCheckpointIO;
import io.fulmen.spi.CheckpointData;
import io.fulmen.spi.CheckpointIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A module whose parameters exist when a checkpoint is loaded gets the saved values read straight into them (one
 * copy, from the file): a resumed fit still ends bit for bit where a straight one does, and a weights load leaves
 * exactly the saved values.
 */
class ResumeIntoParametersTest {
    private static final int N = 30;
    private static final int K = 17;

    @TempDir
    Path root;

    /** Fulmen's checkpoint I/O, recording which parameters each load was asked to read into and did. */
    static final class RecordingIO implements CheckpointIO {
        private final FulmenCheckpointIO io = new FulmenCheckpointIO();
        final List<Map<String, NDArray>> loadsInto = new ArrayList<>();

        @Override
        public void save(CheckpointData checkpoint, Path file) {
            io.save(checkpoint, file);
        }

        @Override
        public CheckpointData load(Path file, NDManager manager) {
            return io.load(file, manager);
        }

        @Override
        public CheckpointData load(Path file, NDManager manager, Map<String, NDArray> into) {
            CheckpointData data = io.load(file, manager, into);
            into.forEach((name, array) -> assertSame(array, data.tensors().get(name), name + " was not read into"));
            loadsInto.add(into);
            return data;
        }

        @Override
        public void remove(Path file) {
            io.remove(file);
        }
    }

    private TrainerBuilder trainer(long maxSteps, CheckpointIO io, io.fulmen.callback.Callback... callbacks) {
        return Fixtures.quietTrainer(root).seed(3).maxSteps(maxSteps).deterministic(true).checkpointIO(io)
                .callbacks(callbacks);
    }

    private static ExactResumeTest.Model model() {
        return new ExactResumeTest.Model(() -> Sgd.builder().lr(0.05f).momentum(0.9f).build(), false);
    }

    @Test
    void aResumedFitOfABuiltModuleReadsIntoItsParametersAndEndsBitForBitWhereAStraightOneDoes() {
        var train = Fixtures.loader(Fixtures.blobs(256, 8, 9), 16, true);
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 10), 32, false);
        ExactResumeTest.FinalState straight = new ExactResumeTest.FinalState();
        try (var m = model(); var t = trainer(N, new RecordingIO(), straight).build()) {
            t.fit(m, train, val);
        }
        Path ckpt = root.resolve("mid.ckpt");
        ExactResumeTest.FinalState resumed = new ExactResumeTest.FinalState();
        RecordingIO io = new RecordingIO();
        try (var m = model()) {
            try (var t = trainer(K, io, new ExactResumeTest.SaveAt(K, ckpt)).build()) {
                t.fit(m, train, val);
            }
            try (var t = trainer(5, io).build()) { // the module's parameters move away from the checkpoint's
                t.fit(m, train, val);
            }
            try (var t = trainer(N, io, resumed).build()) {
                t.fit(m, DataSource.loaders(train, val), CkptPath.of(ckpt));
                assertEquals(N, t.view().globalStep());
            }
            assertEquals(1, io.loadsInto.size());
            assertEquals(m.block().getParameters().size(), io.loadsInto.get(0).size());
        }
        assertEquals(straight.values.keySet(), resumed.values.keySet());
        straight.values.forEach((k, v) -> assertArrayEquals(v, resumed.values.get(k), k));
    }

    @Test
    void aWeightsLoadIntoABuiltModuleLeavesExactlyTheSavedValues() throws Exception {
        var train = Fixtures.loader(Fixtures.blobs(128, 8, 9), 16, true);
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 10), 32, false);
        Path ckpt = root.resolve("w.ckpt");
        RecordingIO io = new RecordingIO();
        try (var m = model()) {
            try (var t = trainer(6, io, new ExactResumeTest.SaveAt(6, ckpt)).build()) {
                t.fit(m, train, val);
            }
            try (var t = trainer(4, io).build()) {
                t.fit(m, train, val);
            }
            List<NDArray> before = new ArrayList<>();
            m.block().getParameters().forEach(p -> before.add(p.getValue().getArray()));
            try (var t = trainer(4, io).build()) {
                t.validate(m, DataSource.several(List.of(val)), CkptPath.of(ckpt));
            }
            assertEquals(1, io.loadsInto.size());
            assertEquals(before.size(), io.loadsInto.get(0).size());
            try (NDManager manager = NDManager.newBaseManager()) {
                var saved = CheckpointReader.read(ckpt, manager).tensors();
                int[] i = {0};
                m.block().getParameters().forEach(p -> {
                    NDArray w = p.getValue().getArray();
                    assertSame(before.get(i[0]++), w, p.getKey() + " was replaced, not filled");
                    assertTrue(io.loadsInto.get(0).containsValue(w), p.getKey());
                    assertArrayEquals(saved.get("model/" + p.getKey()).toFloatArray(), w.toFloatArray(), p.getKey());
                });
            }
        }
    }

    @Test
    void aCorruptCheckpointResumedIntoABuiltModuleFailsNamingTheFileAndTheTensor() throws Exception {
        var train = Fixtures.loader(Fixtures.blobs(128, 8, 9), 16, true);
        Path ckpt = root.resolve("c.ckpt");
        try (var m = model()) {
            try (var t = trainer(3, new RecordingIO(), new ExactResumeTest.SaveAt(3, ckpt)).build()) {
                t.fit(m, DataSource.loaders(train, null));
            }
            String tensor;
            long offset;
            try (NDManager manager = NDManager.newBaseManager()) {
                tensor = CheckpointReader.read(ckpt, manager).tensors().keySet().iterator().next();
            }
            byte[] bytes = java.nio.file.Files.readAllBytes(ckpt);
            offset = 64; // the first tensor starts right after the 64-byte header
            bytes[(int) offset] ^= 0x01;
            java.nio.file.Files.write(ckpt, bytes);
            try (var t = trainer(6, new RecordingIO()).build()) {
                CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                        () -> t.fit(m, DataSource.loaders(train, null), CkptPath.of(ckpt)));
                assertEquals(ckpt + ": tensor '" + tensor + "' is corrupt (CRC32C mismatch)", e.getMessage());
            }
        }
    }
}
