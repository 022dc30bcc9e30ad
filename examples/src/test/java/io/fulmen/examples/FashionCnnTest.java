package io.fulmen.examples;

import io.fulmen.examples.cnn.FashionCnn;
import io.fulmen.examples.cnn.FashionCnn.FashionMnist;
import io.fulmen.examples.cnn.FashionCnn.LitCnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CNN program end to end on the subset shipped in the jar: trains, tests, predicts, reloads, and resumes. */
class FashionCnnTest {
    @TempDir
    Path root;

    private static Path subset() throws Exception {
        return Path.of(FashionCnnTest.class.getResource("/io/fulmen/examples/fashion/subset").toURI());
    }

    @Test
    void trainsToAUsefulAccuracyAndASecondRunContinuesTheFirst() throws Exception {
        var data = new FashionMnist.Config(subset(), 64, 500);
        var model = new LitCnn.Config(8, 3e-3f);
        FashionCnn.run(root, data, model, 1);
        Map<String, Double> second = FashionCnn.run(root, data, model, 2);
        assertTrue(second.get("test_acc") > 0.7, "test_acc " + second);

        Path version = root.resolve("fulmen_logs/version_0");
        assertTrue(Files.isDirectory(version), "one run folder for both Trainers");
        assertTrue(Files.notExists(root.resolve("fulmen_logs/version_1")), "the second Trainer continued version_0");
        try (Stream<Path> files = Files.list(version)) {
            assertEquals(2, files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).count(),
                    "one TensorBoard event file per Trainer, in the same folder");
        }
        List<String> csv = Files.readAllLines(version.resolve("metrics.csv"));
        int epoch = List.of(csv.get(0).split(",")).indexOf("epoch");
        assertTrue(csv.stream().skip(1).anyMatch(l -> l.split(",", -1)[epoch].equals("0")), "the first run's rows");
        assertTrue(csv.stream().skip(1).anyMatch(l -> l.split(",", -1)[epoch].equals("1")), "the second run's rows");
        try (Stream<Path> ckpts = Files.list(version.resolve("checkpoints"))) {
            List<String> names = ckpts.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("last.ckpt"), names.toString());
            assertEquals(3, names.size(), "the two best and the last: " + names);
        }
    }
}
