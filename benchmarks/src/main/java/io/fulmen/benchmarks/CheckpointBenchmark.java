package io.fulmen.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code benchmarks/run checkpoint}: how fast a 100M-parameter checkpoint is saved and loaded, against writing and
 * reading the same number of bytes with a plain {@link FileChannel} in the same directory.
 *
 * <p>The checkpoint is {@code checkpoint.tensors} float32 tensors of {@code checkpoint.params / tensors} elements.
 * <ul>
 *   <li><b>save</b>: {@link CheckpointWriter#write} complete: temporary file, checksums, {@code force}, rename,
 *       directory {@code force}.
 *   <li><b>raw write</b>: the same tensors' memory written to a new file by a gathering {@code FileChannel.write}
 *       loop, then {@code force(true)}.
 *   <li><b>load</b>: {@link CheckpointReader#read(Path, NDManager, java.util.Map)} into a model's tensors allocated
 *       once before the rounds, as resuming a built model does: every check, every checksum.
 *   <li><b>raw read</b>: the raw file read into one page-aligned direct buffer allocated (and touched) once before
 *       the rounds. Page-aligned, because on some machines a copy whose destination sits 16 bytes past its source
 *       modulo 4096 (where {@code ByteBuffer.allocateDirect} puts it) runs several times slower: the baseline gets
 *       its best case.
 * </ul>
 * For information, each round also times a load into new tensors ({@link CheckpointReader#read(Path, NDManager)})
 * against a raw read into new tensors of the same kind (fresh memory costs page faults on both sides), and the
 * figures for loading into new tensors that a resume pays, against the raw read into touched memory:
 * <ul>
 *   <li><b>new/read</b>: {@link CheckpointReader#read(Path, NDManager)}, fresh memory faulted in (and zeroed by the
 *       kernel) while the file is copied into it.
 *   <li><b>new/map</b>: {@link CheckpointReader#map}, arrays over a private mapping of the page cache: the
 *       checksum pass faults the pages in, nothing is zeroed or copied.
 *   <li><b>first write</b>: one in-place op over every loaded tensor ({@code muli(1)}, as an optimizer step writes
 *       every parameter), minus the same op right after on the same tensors: what the load left to pay later (the
 *       copy-on-write faults of a mapping; next to nothing after a read). The op on the model's touched tensors is
 *       printed for scale.
 *   <li><b>map+copy</b>: a mapped load copied into the model's touched tensors ({@code w.muli(0).addi(saved)}, as a
 *       fit resume restores built parameters), against the load straight into them.
 * </ul>
 *
 * <p>The page cache cannot be dropped without root, so each read follows its own write at once and both sides read
 * from the page cache alike. After a warm-up round, each of {@code checkpoint.rounds} rounds runs the checkpoint
 * side and the raw side, alternating which goes first, then deletes both files. Within a round, load and raw read
 * are each timed three times and the fastest kept (they take tens of milliseconds, so another process's burst can
 * double one); save and raw write once. Speeds are bytes of tensor data per second. The result is {@code R = min(median(save / raw write), median(load / raw read))} over the rounds.
 *
 * <p>System properties: {@code checkpoint.params} (100000000), {@code checkpoint.tensors} (10),
 * {@code checkpoint.rounds} (7), {@code checkpoint.dir} (a new directory under {@code java.io.tmpdir}).
 */
public final class CheckpointBenchmark {
    private static final double MB = 1e6;
    /** Reads are short and other processes come and go: each side's read is timed this many times, the best kept. */
    private static final int READS = 3;

    private final long params = Long.getLong("checkpoint.params", 100_000_000L);
    private final int tensorCount = Integer.getInteger("checkpoint.tensors", 10);
    private final int rounds = Integer.getInteger("checkpoint.rounds", 7);

    /**
     * The times of the extra figures, in seconds: loads into new tensors by read and by map, the first write after
     * each less the second, the write on touched memory, and a mapped load copied into the model.
     */
    private record Fresh(double read, double map, double afterRead, double afterMap, double writeTouched,
            double mapCopy) {}

    private record Round(double save, double load, double rawWrite, double rawRead, double freshLoad,
            double freshRawRead, Fresh fresh) {
        double saveRatio() {
            return save / rawWrite;
        }

        double loadRatio() {
            return load / rawRead;
        }

        double freshRatio() {
            return freshLoad / freshRawRead;
        }

        /** Speed of a load into new tensors by read, against the raw read into touched memory. */
        double newReadRatio(long bytes) {
            return bytes / fresh.read / rawRead;
        }

        /** Speed of a mapped load, against the raw read into touched memory. */
        double newMapRatio(long bytes) {
            return bytes / fresh.map / rawRead;
        }

        /** As {@link #newMapRatio}, counting the copy-on-write faults of the first write to the load's time. */
        double newMapWithWriteRatio(long bytes) {
            return bytes / (fresh.map + fresh.afterMap) / rawRead;
        }

        /** As {@link #newReadRatio}, counting what the first write still pays. */
        double newReadWithWriteRatio(long bytes) {
            return bytes / (fresh.read + fresh.afterRead) / rawRead;
        }

        /** Speed of a mapped load copied into the model, against the raw read into touched memory. */
        double mapCopyRatio(long bytes) {
            return bytes / fresh.mapCopy / rawRead;
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
            Shape shape = new Shape(perTensor);
            Checkpoint.Builder builder = Checkpoint.builder();
            List<ByteBuffer> memory = new ArrayList<>();
            Map<String, NDArray> model = new LinkedHashMap<>();
            for (int i = 0; i < tensorCount; i++) {
                String name = String.format(Locale.ROOT, "model/%02dLinear_weight", i);
                NDArray tensor = manager.randomUniform(-1, 1, shape);
                builder.tensor(name, tensor);
                memory.add(tensor.toByteBuffer(true)); // the tensor's own memory, as the writer takes it
                model.put(name, manager.zeros(shape));
            }
            JsonObject manifest = new JsonObject();
            manifest.addProperty("epoch", 3);
            manifest.addProperty("global_step", 12345);
            Checkpoint checkpoint = builder.manifest(manifest).build();
            long bytes = memory.stream().mapToLong(ByteBuffer::remaining).sum();
            ByteBuffer rawTarget = ByteBuffer.allocateDirect(Math.toIntExact(bytes) + 4096).alignedSlice(4096);
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
                Fresh fresh = null;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == checkpointFirst) {
                        ckpt = checkpointSide(checkpoint, model, ckptFile, bytes);
                        fresh = freshSide(checkpoint, model, ckptFile);
                    } else {
                        raw = rawSide(memory, rawTarget, shape, rawFile, bytes);
                    }
                }
                Round round = new Round(ckpt[0], ckpt[1], raw[0], raw[1], ckpt[2], raw[2], fresh);
                String label = r == 0 ? "warm-up" : "round " + r;
                System.out.printf(Locale.ROOT, "%s (%s first): save %.0f MB/s, raw write %.0f MB/s (%.2f); "
                                + "load %.0f MB/s, raw read %.0f MB/s (%.2f); into new tensors: load %.0f MB/s, "
                                + "raw read %.0f MB/s (%.2f)%n", label,
                        checkpointFirst ? "checkpoint" : "raw", round.save / MB, round.rawWrite / MB,
                        round.saveRatio(), round.load / MB, round.rawRead / MB, round.loadRatio(),
                        round.freshLoad / MB, round.freshRawRead / MB, round.freshRatio());
                System.out.printf(Locale.ROOT, "  into new tensors vs raw read into touched memory: new/read %.0f ms "
                                + "(%.2f), new/map %.0f ms (%.2f); first write after read +%.0f ms, after map +%.0f ms "
                                + "(touched: %.0f ms); with it: read %.2f, map %.2f; map+copy into the model %.0f ms "
                                + "(%.2f)%n", fresh.read * 1e3, round.newReadRatio(bytes), fresh.map * 1e3,
                        round.newMapRatio(bytes), fresh.afterRead * 1e3, fresh.afterMap * 1e3,
                        fresh.writeTouched * 1e3, round.newReadWithWriteRatio(bytes),
                        round.newMapWithWriteRatio(bytes), fresh.mapCopy * 1e3, round.mapCopyRatio(bytes));
                if (r > 0) {
                    measured.add(round);
                }
            }
            double save = median(measured.stream().mapToDouble(Round::saveRatio).toArray());
            double load = median(measured.stream().mapToDouble(Round::loadRatio).toArray());
            double fresh = median(measured.stream().mapToDouble(Round::freshRatio).toArray());
            System.out.printf(Locale.ROOT, "median save/raw write = %.3f, median load/raw read = %.3f "
                    + "(into new tensors, for information: %.3f)%n", save, load, fresh);
            System.out.printf(Locale.ROOT, "into new tensors / raw read into touched memory, median [min-max]: "
                    + "read %s, map %s; counting the first write: read %s, map %s; map+copy into the model %s%n",
                    spread(measured, x -> x.newReadRatio(bytes)), spread(measured, x -> x.newMapRatio(bytes)),
                    spread(measured, x -> x.newReadWithWriteRatio(bytes)),
                    spread(measured, x -> x.newMapWithWriteRatio(bytes)),
                    spread(measured, x -> x.mapCopyRatio(bytes)));
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

    /** Saves the checkpoint, loads it into the model, then into new tensors; returns {save, load, fresh load}. */
    private static double[] checkpointSide(Checkpoint checkpoint, Map<String, NDArray> model, Path file, long bytes)
            throws IOException {
        long t0 = System.nanoTime();
        CheckpointWriter.write(file, checkpoint);
        long t1 = System.nanoTime();
        long load = Long.MAX_VALUE;
        for (int i = 0; i < READS; i++) {
            long start = System.nanoTime();
            try (NDManager others = NDManager.newBaseManager()) {
                Checkpoint loaded = CheckpointReader.read(file, others, model);
                if (!loaded.tensors().keySet().equals(model.keySet()) || !others.getManagedArrays().isEmpty()) {
                    throw new IllegalStateException("the load did not go into the model's tensors");
                }
            }
            load = Math.min(load, System.nanoTime() - start);
        }
        long t2 = System.nanoTime();
        try (NDManager fresh = NDManager.newBaseManager()) {
            CheckpointReader.read(file, fresh);
        }
        long t3 = System.nanoTime();
        Files.delete(file);
        return new double[] {bytes / seconds(t0, t1), bytes / (load / 1e9), bytes / seconds(t2, t3)};
    }

    /**
     * Loads the saved checkpoint into new tensors by read and by map, timing each load and the first in-place write
     * over its tensors, the same write on the model's touched tensors, and a mapped load copied into the model.
     */
    private static Fresh freshSide(Checkpoint checkpoint, Map<String, NDArray> model, Path file) throws IOException {
        CheckpointWriter.write(file, checkpoint);
        double[] read;
        try (NDManager fresh = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            Checkpoint loaded = CheckpointReader.read(file, fresh);
            read = new double[] {seconds(t0, System.nanoTime()), firstWriteCost(loaded)};
        }
        double[] mapped;
        try (NDManager fresh = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            Checkpoint loaded = CheckpointReader.map(file, fresh);
            mapped = new double[] {seconds(t0, System.nanoTime()), firstWriteCost(loaded)};
        }
        long t0 = System.nanoTime();
        model.values().forEach(a -> a.muli(1));
        double touched = seconds(t0, System.nanoTime());
        double copy;
        try (NDManager fresh = NDManager.newBaseManager()) {
            long t1 = System.nanoTime();
            Checkpoint loaded = CheckpointReader.map(file, fresh);
            model.forEach((name, w) -> w.muli(0).addi(loaded.tensors().get(name)));
            copy = seconds(t1, System.nanoTime());
        }
        Files.delete(file);
        System.gc(); // unmaps the closed arrays' mappings before the next round
        return new Fresh(read[0], mapped[0], read[1], mapped[1], touched, copy);
    }

    /** The first in-place write over the checkpoint's tensors less the second: what the first one pays extra. */
    private static double firstWriteCost(Checkpoint loaded) {
        long t0 = System.nanoTime();
        loaded.tensors().values().forEach(a -> a.muli(1));
        long t1 = System.nanoTime();
        loaded.tensors().values().forEach(a -> a.muli(1));
        return Math.max(0, seconds(t0, t1) - seconds(t1, System.nanoTime()));
    }

    /**
     * Writes the same memory with a plain FileChannel and forces it, reads it back into the reused buffer, then
     * into new tensors; returns {write, read, fresh read}.
     */
    private static double[] rawSide(List<ByteBuffer> memory, ByteBuffer target, Shape shape, Path file,
            long bytes) throws IOException {
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
        long read = Long.MAX_VALUE;
        for (int i = 0; i < READS; i++) {
            long start = System.nanoTime();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                readFully(channel, target.clear(), 0, file);
            }
            read = Math.min(read, System.nanoTime() - start);
        }
        long t2 = System.nanoTime();
        try (NDManager fresh = NDManager.newBaseManager();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = 0;
            for (int i = 0; i < memory.size(); i++) {
                ByteBuffer tensor = fresh.create(shape, DataType.FLOAT32).toByteBuffer(true);
                readFully(channel, tensor, position, file);
                position += tensor.capacity();
            }
        }
        long t3 = System.nanoTime();
        Files.delete(file);
        return new double[] {bytes / seconds(t0, t1), bytes / (read / 1e9), bytes / seconds(t2, t3)};
    }

    private static void readFully(FileChannel channel, ByteBuffer target, long position, Path file)
            throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new IOException(file + " ended early");
            }
            at += n;
        }
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

    private static String spread(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
        double[] values = rounds.stream().mapToDouble(figure).toArray();
        return String.format(Locale.ROOT, "%.3f [%.3f-%.3f]", median(values), Arrays.stream(values).min().orElse(0),
                Arrays.stream(values).max().orElse(0));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
