package io.fulmen.cli;

import io.fulmen.runtime.report.ReportWriter;
import io.fulmen.tensorboard.proto.Event;
import io.fulmen.tensorboard.proto.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real fit logged only with TensorBoard (no metrics.csv): the report at the end of fit and {@code fulmen report}
 * chart every scalar of the event files with every point, counted here independently through the TensorBoard
 * plugin's own protobuf classes.
 */
class TensorBoardReportTest {
    private static final Pattern PATH = Pattern.compile(
            "<path class=\"series\" data-series=\"([^\"]+)\" data-points=\"(\\d+)\" d=\"([^\"]*)\"");
    private static final String RUN = String.join("\n",
            "seed_everything: 3",
            "trainer:",
            "  max_epochs: 2",
            "  limit_train_batches: 6",
            "  limit_val_batches: 2",
            "  num_sanity_val_steps: 0",
            "  log_every_n_steps: 2",
            "  enable_progress_bar: false",
            "  enable_checkpointing: false",
            "  report: true",
            "  logger: [{name: tensorboard, flush_secs: 1}]",
            "  callbacks: [learning_rate_monitor]",
            "model:",
            "  class_path: io.fulmen.examples.fashion.LitClassifier",
            "  init_args: {hidden: 16, lr: 0.01}",
            "data:",
            "  class_path: io.fulmen.examples.fashion.FashionMnistDataModule",
            "  init_args: {batch_size: 32, limit_samples: 400}",
            "");

    @TempDir
    Path work;

    @Test
    void aTensorBoardOnlyRunIsChartedFromItsEventFiles() throws IOException {
        Files.writeString(work.resolve("run.yaml"), RUN);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int fit = Fulmen.run(new String[] {"fit", "--config", work.resolve("run.yaml").toString(),
            "--trainer.default_root_dir=" + work.resolve("root")}, print(out), print(err));
        assertEquals(0, fit, out + "\n" + err);
        Path logDir = work.resolve("root/fulmen_logs/version_0");
        assertFalse(Files.exists(logDir.resolve("metrics.csv")), "the run logs with TensorBoard only");

        Map<String, Integer> expected = scalarsPerTag(logDir);
        assertEquals(2, expected.get("val_loss"), "one val_loss per epoch: " + expected);
        assertEquals(6, expected.get("train_loss"), "12 steps logged every 2: " + expected);
        assertTrue(expected.keySet().stream().anyMatch(k -> k.startsWith("lr-")), expected.toString());

        String atFitEnd = Files.readString(logDir.resolve(ReportWriter.FILE_NAME));
        assertEquals(expected, seriesPoints(atFitEnd), "report(true) at the end of fit");
        assertTrue(atFitEnd.contains("<h2>Learning rate</h2>"), atFitEnd);

        Files.delete(logDir.resolve(ReportWriter.FILE_NAME));
        Files.delete(logDir.resolve("hparams.yaml")); // the hyperparameters then come from the event file
        int report = Fulmen.run(new String[] {"report", logDir.toString()}, print(out), print(err));
        assertEquals(0, report, err.toString());
        String html = Files.readString(logDir.resolve(ReportWriter.FILE_NAME));
        assertEquals(expected, seriesPoints(html), "fulmen report");
        assertTrue(html.contains("<h2>Hyperparameters</h2>") && html.contains("<td>hidden</td><td>16</td>"), html);
    }

    /** Tag to its simple_value scalars in the run's event files, {@code epoch} aside, read with protobuf-java. */
    private static Map<String, Integer> scalarsPerTag(Path logDir) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(logDir)) {
            files = listing.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents")).sorted()
                    .toList();
        }
        assertEquals(1, files.size(), files.toString());
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(files.get(0))).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Integer> counts = new LinkedHashMap<>();
        while (in.hasRemaining()) {
            int length = (int) in.getLong();
            in.getInt();
            byte[] payload = new byte[length];
            in.get(payload);
            in.getInt();
            Event event = Event.parseFrom(payload);
            for (Summary.Value v : event.getSummary().getValueList()) {
                if (v.hasSimpleValue() && !v.getTag().equals("epoch") && Float.isFinite(v.getSimpleValue())) {
                    counts.merge(v.getTag(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** Series to the number of points its path draws (its M and L commands), checked against data-points. */
    private static Map<String, Integer> seriesPoints(String html) {
        Map<String, Integer> points = new LinkedHashMap<>();
        Matcher m = PATH.matcher(html);
        while (m.find()) {
            int commands = m.group(3).replaceAll("[^ML]", "").length();
            assertEquals(Integer.parseInt(m.group(2)), commands, m.group(1));
            points.put(m.group(1), commands);
        }
        return points;
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
