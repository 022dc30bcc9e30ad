package io.fulmen.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code profiler("simple")} on a real fit: the table, its counts, and its total against the fit's wall time. */
class ProfilerFitTest {
    @TempDir
    Path root;

    @Test
    void simpleProfilerTimesHooksAndPhasesOfAFit() throws IOException {
        var train = Fixtures.blobs(2048, 8, 1);
        var val = Fixtures.blobs(256, 8, 2);
        // The first fit of a JVM loads the engine and the classes the profiler's table is printed with.
        try (var warmUp = new Fixtures.Classifier(); var trainer = Fixtures.quietTrainer(root.resolve("warm"))
                .maxEpochs(1).profiler("simple").output(new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8), false).build()) {
            trainer.fit(warmUp, Fixtures.loader(train, 32, true), Fixtures.loader(val, 128, false));
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        long wallNanos;
        Path logDir;
        try (var model = new Fixtures.Classifier();
             var trainer = Fixtures.quietTrainer(root).logger("csv").maxEpochs(3).profiler("simple")
                     .output(new PrintStream(printed, true, StandardCharsets.UTF_8), false).build()) {
            var trainLoader = Fixtures.loader(train, 32, true);
            var valLoader = Fixtures.loader(val, 128, false);
            long start = System.nanoTime();
            trainer.fit(model, trainLoader, valLoader);
            wallNanos = System.nanoTime() - start;
            logDir = trainer.view().logDir();
        }
        String table = Files.readString(logDir.resolve("fit-profiler.txt"));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains(table), "the table is printed too");
        Map<String, double[]> rows = rows(table);

        assertEquals(3 * 64, (int) rows.get("[hook] on_train_batch_start")[1]);
        assertEquals(3 * 64, (int) rows.get("training_step")[1]);
        assertEquals(3 * 64, (int) rows.get("backward")[1]);
        assertEquals(3 * 64, (int) rows.get("optimizer_step")[1], "one optimizer step per batch, counted once");
        assertEquals(3, (int) rows.get("[hook] on_train_epoch_end")[1]);
        assertEquals(3 * 2 + 2, (int) rows.get("validation_step")[1], "3 epochs of 2 batches and the sanity check");
        double total = rows.get("Total")[2];
        double sum = rows.entrySet().stream().filter(e -> !e.getKey().equals("Total"))
                .mapToDouble(e -> e.getValue()[2]).sum();
        assertEquals(total, sum, total * 1e-4, "the sections add up to the total");
        double wall = wallNanos / 1e9;
        assertTrue(wall > 0.1, "a fit long enough to compare: " + wall + " s");
        System.out.printf("profiled %.4f s of a %.4f s fit (%.2f %%)%n", total, wall, 100 * total / wall);
        assertTrue(Math.abs(total - wall) / wall <= 0.02, "profiled " + total + " s of a " + wall + " s fit");
    }

    /** Action to {mean, count, total seconds}. */
    private static Map<String, double[]> rows(String table) {
        Map<String, double[]> rows = new HashMap<>();
        for (String line : table.lines().toList()) {
            List<String> cells = List.of(line.split("\\|")).stream().map(String::strip).filter(c -> !c.isEmpty())
                    .toList();
            if (cells.size() == 5 && !cells.get(0).equals("Action")) {
                rows.put(cells.get(0), new double[] {cells.get(1).equals("-") ? 0 : Double.parseDouble(cells.get(1)),
                        Double.parseDouble(cells.get(2)), Double.parseDouble(cells.get(3))});
            }
        }
        return rows;
    }
}
