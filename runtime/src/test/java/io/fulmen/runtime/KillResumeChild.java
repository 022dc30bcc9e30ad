package io.fulmen.runtime;

import io.fulmen.data.DataSource;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.optim.Adam;
import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.OptimizerState;
import io.fulmen.optim.Schedules;
import io.fulmen.optim.Sgd;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The child JVM of {@link KillResumeTest}: trains the {@link ExactResumeTest} classifier for {@code N} steps, saving
 * a full checkpoint to {@code <dir>/last.ckpt} every {@code S} steps, and writes the final state to
 * {@code <dir>/final.bin}.
 *
 * <p>Arguments: {@code <dir> <N> <S> fresh|resume [sgd|adam]}. {@code resume} resumes from {@code <dir>/last.ckpt}
 * when it exists and trains from scratch otherwise. Each training batch sleeps {@value #SLEEP_MS} ms so that a run
 * lasts long enough to be killed at an interesting moment.
 *
 * <p>Prints {@code START step=<k>} when training starts (k is the step resumed from) and {@code DONE step=<n>} after
 * {@code final.bin} is in place.
 *
 * <p>{@code final.bin} (little-endian): magic {@code "FKR1"}, an int count, then per entry an int name length, the
 * UTF-8 name, an int float count and the floats. Entries: every parameter in {@code block().getParameters()} order
 * ({@code model/<name>}), then, per optimizer-state entry in name order, its step ({@code step/<param>}) and its
 * buffers in name order ({@code opt/<param>/<buffer>}), then the learning rate ({@code lr}). Written to a temporary
 * file and renamed.
 */
public final class KillResumeChild {
    static final String CKPT = "last.ckpt";
    static final String FINAL = "final.bin";
    /** System property naming the checkpoint I/O the child trains with ("default" or "async"). */
    static final String CHECKPOINT_IO_PROPERTY = "fulmen.test.checkpointIO";
    static final long SLEEP_MS = 20;

    private KillResumeChild() {}

    /** A {@link Fixtures.Classifier} with SGD + momentum, or Adam with a cosine schedule over {@code N} steps. */
    static final class Model extends Fixtures.Classifier {
        private final boolean adam;
        private final long totalSteps;

        Model(boolean adam, long totalSteps) {
            super(16, adam ? () -> Adam.builder().lr(1e-2f).build()
                    : () -> Sgd.builder().lr(0.05f).momentum(0.9f).build());
            this.adam = adam;
            this.totalSteps = totalSteps;
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            OptimizerConfig c = OptimizerConfig.of(optimizer.get());
            return adam ? c.withScheduler(Schedules.cosine((int) totalSteps, 1e-4f), Interval.STEP) : c;
        }
    }

    /** Saves {@code last.ckpt} every {@code every} steps, then sleeps. */
    static final class Periodic implements Callback {
        private final Path file;
        private final long every;

        Periodic(Path file, long every) {
            this.file = file;
            this.every = every;
        }

        @Override
        public void onTrainStart(TrainerView t, LightningModule m) {
            System.out.println("START step=" + t.globalStep());
            System.out.flush();
        }

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            if (t.globalStep() % every == 0) {
                t.saveCheckpoint(file, false);
            }
            try {
                Thread.sleep(SLEEP_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Copies every parameter, every optimizer buffer and the learning rate at the end of training. */
    static final class FinalState implements Callback {
        final Map<String, float[]> values = new LinkedHashMap<>();

        @Override
        public void onTrainEnd(TrainerView t, LightningModule m) {
            m.block().getParameters().forEach(p -> values.put("model/" + p.getKey(),
                    p.getValue().getArray().toFloatArray()));
            LightningOptimizer o = t.optimizers().get(0);
            try (NDManager scratch = NDManager.newBaseManager()) {
                OptimizerState s = o.optimizer().exportState(scratch);
                // OptimizerState holds Map.copyOf maps, whose iteration order varies from one JVM to the next:
                // sort, so that two JVMs with equal state write equal bytes.
                new TreeMap<>(s.entries()).forEach((param, entry) -> {
                    values.put("step/" + param, new float[] {entry.step()});
                    new TreeMap<>(entry.buffers()).forEach((buf, a) ->
                            values.put("opt/" + param + "/" + buf, a.toFloatArray()));
                });
            }
            values.put("lr", new float[] {o.learningRate()});
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 4 || args.length > 5) {
            throw new IllegalArgumentException("usage: <dir> <N> <S> fresh|resume [sgd|adam]");
        }
        Path dir = Path.of(args[0]);
        long n = Long.parseLong(args[1]);
        long every = Long.parseLong(args[2]);
        String mode = args[3];
        if (!mode.equals("fresh") && !mode.equals("resume")) {
            throw new IllegalArgumentException("mode must be fresh or resume: " + mode);
        }
        boolean adam = args.length < 5 || args[4].equals("adam");
        Path ckpt = dir.resolve(CKPT);

        var train = Fixtures.loader(Fixtures.blobs(256, 8, 9), 16, true);
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 10), 32, false);
        FinalState state = new FinalState();
        long steps;
        try (var m = new Model(adam, n);
                var t = Fixtures.quietTrainer(dir.resolve("root")).seed(3).maxSteps(n).deterministic(true)
                        .checkpointIO(System.getProperty(CHECKPOINT_IO_PROPERTY, "default"))
                        .callbacks(new Periodic(ckpt, every), state).build()) {
            if (mode.equals("resume") && Files.exists(ckpt)) {
                t.fit(m, DataSource.loaders(train, val), CkptPath.of(ckpt));
            } else {
                t.fit(m, train, val);
            }
            steps = t.view().globalStep();
        }
        if (steps != n) {
            throw new IllegalStateException("trained to step " + steps + ", expected " + n);
        }
        writeAtomically(dir.resolve(FINAL), encode(state.values));
        System.out.println("DONE step=" + steps);
        System.out.flush();
    }

    static byte[] encode(Map<String, float[]> values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write("FKR1".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(Integer.reverseBytes(values.size()));
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(Integer.reverseBytes(name.length));
                out.write(name);
                float[] v = e.getValue();
                out.writeInt(Integer.reverseBytes(v.length));
                ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(v);
                out.write(buf.array());
            }
        }
        return bytes.toByteArray();
    }

    /** Inverse of {@link #encode}; for the test's diagnostics. */
    static Map<String, float[]> decode(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        in.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("FKR1")) {
            throw new IllegalArgumentException("not a final.bin");
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        int count = in.getInt();
        for (int i = 0; i < count; i++) {
            byte[] name = new byte[in.getInt()];
            in.get(name);
            float[] v = new float[in.getInt()];
            in.asFloatBuffer().get(v);
            in.position(in.position() + v.length * Float.BYTES);
            values.put(new String(name, StandardCharsets.UTF_8), v);
        }
        return values;
    }

    private static void writeAtomically(Path file, byte[] data) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
