package io.fulmen.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.fulmen.runtime.checkpoint.Checkpoint;
import io.fulmen.runtime.checkpoint.CheckpointReader;
import io.fulmen.runtime.checkpoint.CheckpointWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code benchmarks/run checkpoint}: how fast a 100M-parameter checkpoint is saved and loaded, against writing and
 * reading the same number of bytes with a plain {@link FileChannel} in the same directory.
 *
 * <p>The checkpoint is {@code checkpoint.tensors} float32 tensors of {@code checkpoint.params / tensors} elements.
 * <b>Save</b> is {@link CheckpointWriter#write} complete: temporary file, checksums, {@code force}, rename,
 * directory {@code force}. <b>Load</b> is {@link CheckpointReader#read} complete: every check and checksum, the
 * tensors created on a fresh manager. <b>Raw write</b> writes the same tensors' memory to a new file with one
 * gathering {@code FileChannel.write} loop and {@code force(true)}; <b>raw read</b> reads that file back into one
 * direct buffer allocated (and touched) once before the rounds, the cheapest read there is. The page cache cannot
 * be dropped without root, so each read follows its own write at once and both read from the page cache alike; the
 * loaded checkpoint gets fresh memory every time (the page faults count against it), the raw read does not.
 *
 * <p>After a warm-up round, each of {@code checkpoint.rounds} rounds runs the pair (save, load) and the pair (raw
 * write, raw read), alternating which goes first, and deletes both files. Speeds are bytes of tensor data per
 * second. The result is {@code R = min(median(save / raw write), median(load / raw read))} over the rounds.
 *
 * <p>System properties: {@code checkpoint.params} (100000000), {@code checkpoint.tensors} (10),
 * {@code checkpoint.rounds} (5), {@code checkpoint.dir} (a new directory under {@code java.io.tmpdir}).
 */
public final class CheckpointBenchmark {
    private static final double MB = 1e6;

    private final long params = Long.getLong("checkpoint.params", 100_000_000L);
    private final int tensorCount = Integer.getInteger("checkpoint.tensors", 10);
    private final int rounds = Integer.getInteger("checkpoint.rounds", 5);

    private record Round(double save, double load, double rawWrite, double rawRead) {
        double saveRatio() {
            return save / rawWrite;
        }

        double loadRatio() {
            return load / rawRead;
        }
    }

    private CheckpointBenchmark() {}

    public static void main(String[] args) throws IOException {
        new CheckpointBenchmark().run();
    }

    private void run() throws IOException {
        String base = System.getProperty("checkpoint.dir");
        Path dir = base == null ? Files.createTempDirectory("fulmen-checkpoint-bench")
                : Files.createTempDirectory(Files.createDirectories(Path.of(base)), "fulmen-checkpoint-bench");
        try (NDManager manager = NDManager.newBaseManager()) {
            long perTensor = params / tensorCount;
            Checkpoint.Builder builder = Checkpoint.builder();
            List<ByteBuffer> memory = new ArrayList<>();
            for (int i = 0; i < tensorCount; i++) {
                NDArray tensor = manager.randomUniform(-1, 1, new Shape(perTensor));
                builder.tensor(String.format(Locale.ROOT, "model/%02dLinear_weight", i), tensor);
                memory.add(tensor.toByteBuffer(true)); // the tensor's own memory, as the writer takes it
            }
            JsonObject manifest = new JsonObject();
            manifest.addProperty("epoch", 3);
            manifest.addProperty("global_step", 12345);
            Checkpoint checkpoint = builder.manifest(manifest).build();
            long bytes = memory.stream().mapToLong(ByteBuffer::remaining).sum();
            ByteBuffer rawTarget = ByteBuffer.allocateDirect(Math.toIntExact(bytes));
            for (int i = 0; i < rawTarget.capacity(); i += 4096) {
                rawTarget.put(i, (byte) 1);
            }

            System.out.printf(Locale.ROOT, "checkpoint: %d float32 tensors of %d = %d parameters, %.1f MB; dir %s;"
                            + " %s %s%n", tensorCount, perTensor, perTensor * tensorCount, bytes / MB, dir,
                    Engine.getInstance().getEngineName(), Engine.getInstance().getVersion());
            System.out.println("reads come from the page cache on both sides (each right after its own write)");

            Path ckptFile = dir.resolve("bench.ckpt");
            Path rawFile = dir.resolve("bench.raw");
            List<Round> measured = new ArrayList<>();
            for (int r = 0; r <= rounds; r++) {
                boolean checkpointFirst = r % 2 == 0;
                double[] ckpt = null;
                double[] raw = null;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == checkpointFirst) {
                        ckpt = checkpointPair(checkpoint, ckptFile, bytes);
                    } else {
                        raw = rawPair(memory, rawTarget, rawFile, bytes);
                    }
                }
                Round round = new Round(ckpt[0], ckpt[1], raw[0], raw[1]);
                String label = r == 0 ? "warm-up" : "round " + r;
                System.out.printf(Locale.ROOT, "%s (%s first): save %.0f MB/s, raw write %.0f MB/s (%.2f); "
                                + "load %.0f MB/s, raw read %.0f MB/s (%.2f)%n", label,
                        checkpointFirst ? "checkpoint" : "raw", round.save / MB, round.rawWrite / MB,
                        round.saveRatio(), round.load / MB, round.rawRead / MB, round.loadRatio());
                if (r > 0) {
                    measured.add(round);
                }
            }
            double save = median(measured.stream().mapToDouble(Round::saveRatio).toArray());
            double load = median(measured.stream().mapToDouble(Round::loadRatio).toArray());
            System.out.printf(Locale.ROOT, "median save/raw write = %.3f, median load/raw read = %.3f%n", save, load);
            System.out.printf(Locale.ROOT, "checkpoint: min(save,load) speed / raw speed = %.3f%n",
                    Math.min(save, load));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Saves then loads the checkpoint; returns {save, load} in bytes per second. */
    private static double[] checkpointPair(Checkpoint checkpoint, Path file, long bytes) throws IOException {
        long t0 = System.nanoTime();
        CheckpointWriter.write(file, checkpoint);
        long t1 = System.nanoTime();
        long t2;
        try (NDManager loadManager = NDManager.newBaseManager()) {
            Checkpoint loaded = CheckpointReader.read(file, loadManager);
            t2 = System.nanoTime();
            if (loaded.tensors().size() != checkpoint.tensors().size()) {
                throw new IllegalStateException("loaded " + loaded.tensors().size() + " tensors");
            }
        }
        Files.delete(file);
        return new double[] {bytes / ((t1 - t0) / 1e9), bytes / ((t2 - t1) / 1e9)};
    }

    /** Writes the same memory with a plain FileChannel, forces it, reads it back; returns {write, read}. */
    private static double[] rawPair(List<ByteBuffer> memory, ByteBuffer target, Path file, long bytes)
            throws IOException {
        ByteBuffer[] sources = memory.stream().map(ByteBuffer::duplicate).toArray(ByteBuffer[]::new);
        long t0 = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = bytes;
            while (left > 0) {
                left -= channel.write(sources);
            }
            channel.force(true);
        }
        long t1 = System.nanoTime();
        target.clear();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (target.hasRemaining()) {
                if (channel.read(target) < 0) {
                    throw new IOException(file + " ended early");
                }
            }
        }
        long t2 = System.nanoTime();
        Files.delete(file);
        return new double[] {bytes / ((t1 - t0) / 1e9), bytes / ((t2 - t1) / 1e9)};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
