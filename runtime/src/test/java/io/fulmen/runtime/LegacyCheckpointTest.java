package io.fulmen.runtime;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.fulmen.data.DataSource;
import io.fulmen.optim.Adam;
import io.fulmen.optim.Interval;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A checkpoint written by Fulmen 0.1.0 (before the runtime redesign) still resumes, and ends bit for bit where
 * 0.1.0 itself ended the same run uninterrupted: the format and the training arithmetic are both unchanged. The
 * frozen files and how they were made are described in {@code src/test/resources/legacy/README.md}.
 */
class LegacyCheckpointTest {
    @TempDir
    Path root;

    /** The module the legacy checkpoint was written from. */
    static final class Model extends Fixtures.Classifier {
        Model() {
            // 0.1.0 updated with DJL's per-tensor Adam kernel; bit for bit needs the same kernel (the fused one that
            // became the default computes torch's formula in torch's order, which rounds differently in the last bit).
            super(16, () -> Adam.builder().lr(1e-2f).fused(false).build());
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(optimizer.get()).withScheduler(Schedules.cosine(40, 1e-4f), Interval.STEP);
        }
    }

    @Test
    void aCheckpointOf010ResumesToThe010Result() throws IOException {
        Path ckpt = root.resolve("0.1.0-fit.ckpt");
        try (InputStream in = LegacyCheckpointTest.class.getResourceAsStream("/legacy/0.1.0-fit.ckpt")) {
            Files.copy(in, ckpt);
        }
        var train = Fixtures.loader(Fixtures.blobs(256, 8, 9), 16, true);
        var val = Fixtures.loader(Fixtures.blobs(64, 8, 10), 32, false);
        Map<String, String> resumed = new LinkedHashMap<>();
        try (var m = new Model(); var t = Fixtures.quietTrainer(root).seed(3).maxSteps(40).build()) {
            t.fit(m, DataSource.loaders(train, val), CkptPath.of(ckpt));
            assertEquals(40, t.view().globalStep());
            for (Pair<String, Parameter> p : m.block().getParameters()) {
                StringBuilder bits = new StringBuilder();
                for (float f : p.getValue().getArray().toFloatArray()) {
                    bits.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(f)));
                }
                resumed.put(p.getKey(), bits.toString());
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        try (InputStream in = LegacyCheckpointTest.class.getResourceAsStream("/legacy/0.1.0-final-weights.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int space = line.indexOf(' ');
                expected.put(line.substring(0, space), line.substring(space));
            }
        }
        assertEquals(expected, resumed);
    }
}
