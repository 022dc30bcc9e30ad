package io.fulmen.runtime;

import io.fulmen.runtime.callbacks.LearningRateMonitor;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.runtime.report.ReportWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code report(true)} on a real fit, checked as text and as a headless Chromium renders it. */
class ReportFitTest {
    private static final Pattern PATH = Pattern.compile(
            "<path class=\"series\" data-series=\"([^\"]+)\" data-points=\"(\\d+)\" d=\"([^\"]*)\"");
    private static final Path ARTIFACTS = Path.of("target", "report-artifacts");

    @TempDir
    static Path root;
    static Path logDir;

    @BeforeAll
    static void fitWithReport() {
        var train = Fixtures.blobs(1024, 8, 1);
        var val = Fixtures.blobs(256, 8, 2);
        ModelCheckpoint best = ModelCheckpoint.builder().monitor("val_loss").saveTopK(2).build();
        try (var model = new Fixtures.Classifier();
             var trainer = Fixtures.quietTrainer(root).logger("csv").enableCheckpointing(true).maxEpochs(3)
                     .logEveryNSteps(4).profiler("simple").report(true)
                     .callbacks(best, new LearningRateMonitor()).build()) {
            trainer.fit(model, Fixtures.loader(train, 32, true), Fixtures.loader(val, 128, false));
            logDir = trainer.view().logDir();
        }
    }

    @Test
    void reportHoldsEveryLoggedSeriesAndSection() throws IOException {
        String html = Files.readString(logDir.resolve(ReportWriter.FILE_NAME));
        assertEquals(pointsPerColumn(), seriesPoints(html), "one path per metrics.csv column, one point per value");
        assertTrue(html.contains("<h2>Learning rate</h2>"), "the learning-rate section");
        assertTrue(html.contains("<h2>Hyperparameters</h2>") && html.contains("<td>hidden</td><td>16</td>"), html);
        assertTrue(html.contains("<h2>Model summary</h2>") && html.contains("Trainable params"), "model summary");
        assertTrue(html.contains("<h2>Profiler (fit)</h2>") && html.contains("<td>[hook] on_train_batch_start</td>"),
                "profiler table");
        assertTrue(html.contains("<h2>Checkpoints</h2>") && html.contains("<td>val_loss</td>"), "scored checkpoints");
        assertFalse(html.contains("<script") || html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"),
                "nothing to run or fetch");
    }

    /** Opens the report in headless Chromium: the DOM it built and the pixels it drew. */
    @Test
    void reportRendersInHeadlessChromium() throws Exception {
        String chromium = Chromium.find();
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        assumeTrue(chromium != null || ci, "chromium is not installed (scripts/install-system-deps installs it);"
                + " the report's browser test runs wherever it is, and always in CI");
        assertTrue(chromium != null, "CI=true but no chromium on the PATH: run scripts/install-system-deps");
        Path report = logDir.resolve(ReportWriter.FILE_NAME).toAbsolutePath();
        Files.createDirectories(ARTIFACTS);
        String dom = Chromium.run(chromium, "--dump-dom", report.toUri().toString());
        assertEquals(pointsPerColumn(), seriesPoints(dom), "the browser's DOM has every series with every point");

        Path screenshot = ARTIFACTS.resolve("report.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Chromium.run(chromium, "--screenshot=" + screenshot, "--window-size=1280,2400", report.toUri().toString());
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertTrue(bluePixels(image) > 200, "the first series' colour is drawn: " + bluePixels(image) + " pixels");
        Files.copy(logDir.resolve(ReportWriter.FILE_NAME), ARTIFACTS.resolve("report.html"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** metrics.csv read independently of the report: column to its non-empty, finite cells. */
    private static Map<String, Integer> pointsPerColumn() throws IOException {
        List<String> lines = Files.readAllLines(logDir.resolve("metrics.csv"));
        String[] header = lines.get(0).split(",", -1);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            for (int c = 0; c < header.length; c++) {
                if (!header[c].equals("step") && !header[c].equals("epoch") && !cells[c].isEmpty()
                        && !cells[c].equals("nan")) {
                    counts.merge(header[c], 1, Integer::sum);
                }
            }
        }
        assertTrue(counts.containsKey("train_loss") && counts.containsKey("val_loss"), counts.toString());
        assertTrue(counts.keySet().stream().anyMatch(k -> k.startsWith("lr-")), counts.toString());
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

    private static int bluePixels(BufferedImage image) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.abs(r - 0x1f) < 24 && Math.abs(g - 0x77) < 24 && Math.abs(b - 0xb4) < 24) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Debian's chromium, run headless with a timeout. */
    private static final class Chromium {
        static String find() {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                for (String name : List.of("chromium", "chromium-browser")) {
                    if (Files.isExecutable(Path.of(dir, name))) {
                        return Path.of(dir, name).toString();
                    }
                }
            }
            return null;
        }

        static String run(String chromium, String... args) throws IOException, InterruptedException {
            // Without the networking flags Chromium keeps trying Google's hosts, which a closed network refuses.
            List<String> command = new java.util.ArrayList<>(List.of(chromium, "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
                    "--user-data-dir=" + Files.createTempDirectory(root, "chromium")));
            command.addAll(List.of(args));
            Path log = Files.createTempFile(root, "chromium", ".log");
            Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
            assertEquals(0, p.exitValue(), () -> "chromium failed: " + readQuietly(log));
            return new String(out, StandardCharsets.UTF_8);
        }

        private static String readQuietly(Path log) {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
