package io.fulmen.wandb;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fulmen.spi.RunStatus;
import io.fulmen.wandb.proto.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images and histograms in W&B's value encodings, merged into the step's history row with the scalars. */
class MediaTest {
    @TempDir
    Path root;

    @Test
    void anImageIsAPngInFilesNamedByItsHistoryValueAndAFilesRecord() throws Exception {
        WandbLogger logger = WandbLogger.builder(root).saveDir(Path.of("w")).build();
        WandbRun run = logger.experiment();
        float[] pixels = new float[2 * 3 * 3];
        pixels[0] = 1f;                                           // (0, 0) is red
        pixels[(1 * 3 + 2) * 3 + 2] = 1f;                         // (row 1, column 2) is blue
        logger.logMetrics(Map.of("loss", 0.5), 4);
        run.logImage("samples/first", pixels, 2, 3, 3, 4);
        logger.finish(RunStatus.SUCCESS);

        RunContents contents = RunContents.read(run.file());
        JsonObject image = JsonParser.parseString(contents.history().get(4L).get("samples/first")).getAsJsonObject();
        assertEquals("0.5", contents.history().get(4L).get("loss"), "one row holds the step's scalars and media");
        assertEquals("image-file", image.get("_type").getAsString());
        assertEquals("png", image.get("format").getAsString());
        assertEquals(3, image.get("width").getAsInt());
        assertEquals(2, image.get("height").getAsInt());
        String path = image.get("path").getAsString();
        assertTrue(path.matches("media/images/samples_first_4_[0-9a-f]{20}\\.png"), path);
        byte[] png = Files.readAllBytes(run.filesDir().resolve(path));
        assertEquals(png.length, image.get("size").getAsInt());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png)),
                image.get("sha256").getAsString());
        assertTrue(contents.records().stream().anyMatch(r -> r.getRecordTypeCase() == Record.RecordTypeCase.FILES
                && r.getFiles().getFiles(0).getPath().equals(path)), "a files record names the image");
        BufferedImage read = ImageIO.read(run.filesDir().resolve(path).toFile());
        assertEquals(0xFFFF0000, read.getRGB(0, 0));
        assertEquals(0xFF0000FF, read.getRGB(2, 1));
        assertEquals(contents.history().get(4L).get("samples/first"), contents.summary().get("samples/first"));
    }

    @Test
    void aHistogramHoldsCountsAndOneMoreBinEdge() throws Exception {
        WandbLogger logger = WandbLogger.builder(root).saveDir(Path.of("w")).build();
        WandbRun run = logger.experiment();
        double[] values = new double[101];
        for (int i = 0; i < 100; i++) {
            values[i] = i;
        }
        values[100] = Double.NaN;
        run.logHistogram("weights", values, 10, 0);
        run.logHistogram("default_bins", new double[] {1, 1, 1}, 1);
        logger.finish(RunStatus.SUCCESS);

        RunContents contents = RunContents.read(run.file());
        JsonObject h = JsonParser.parseString(contents.history().get(0L).get("weights")).getAsJsonObject();
        assertEquals("histogram", h.get("_type").getAsString());
        JsonArray counts = h.getAsJsonArray("values");
        JsonArray bins = h.getAsJsonArray("bins");
        assertEquals(10, counts.size());
        assertEquals(11, bins.size());
        counts.forEach(c -> assertEquals(10, c.getAsInt()));
        assertEquals(0.0, bins.get(0).getAsDouble());
        assertEquals(99.0, bins.get(10).getAsDouble());
        JsonObject constant = JsonParser.parseString(contents.history().get(1L).get("default_bins"))
                .getAsJsonObject();
        assertEquals(WandbRun.DEFAULT_BINS, constant.getAsJsonArray("values").size());
        assertThrows(IllegalArgumentException.class, () -> Media.histogram(values, 0));
    }

    @Test
    void valuesAreJsonWithWandbsNonFiniteTokens() {
        assertEquals("NaN", JsonValues.of(Double.NaN));
        assertEquals("Infinity", JsonValues.of(Double.POSITIVE_INFINITY));
        assertEquals("-Infinity", JsonValues.of((Object) Float.NEGATIVE_INFINITY));
        assertEquals("0.1", JsonValues.of((Object) 0.1f));
        assertEquals("1.7959536005E9", JsonValues.of(1.7959536005E9));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", Arrays.asList(1, 2.5, true, null));
        map.put("b", "x\"y\n");
        assertEquals("{\"a\": [1, 2.5, true, null], \"b\": \"x\\\"y\\n\"}", JsonValues.of(map));
        assertEquals("[1, 2]", JsonValues.of(new int[] {1, 2}));
    }
}
