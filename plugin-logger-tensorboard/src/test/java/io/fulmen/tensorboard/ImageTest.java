package io.fulmen.tensorboard;

import io.fulmen.spi.RunStatus;
import io.fulmen.tensorboard.proto.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Images through {@code experiment()}: PNG summaries with their size and channels, pixels as given. */
class ImageTest {
    @TempDir
    Path root;

    @Test
    void anRgbImageRoundTripsThroughThePngSummary() throws Exception {
        float[] pixels = new float[2 * 3 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 7) / 6f;
        }
        TensorBoardLogger logger = new TensorBoardLogger(root);
        TensorBoardWriter writer = (TensorBoardWriter) logger.experiment();
        writer.addImage("samples/input", pixels, 2, 3, 3, 7);
        logger.finish(RunStatus.SUCCESS);
        Path file;
        try (Stream<Path> s = Files.walk(root)) {
            file = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst()
                    .orElseThrow();
        }
        var event = TfEventsReader.read(file).events().get(1);
        assertEquals(7, event.getStep());
        Summary.Value v = event.getSummary().getValue(0);
        assertEquals("samples/input", v.getTag());
        assertEquals(2, v.getImage().getHeight());
        assertEquals(3, v.getImage().getWidth());
        assertEquals(3, v.getImage().getColorspace());
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(v.getImage().getEncodedImageString().toByteArray()));
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int at = (y * 3 + x) * 3;
                int rgb = png.getRGB(x, y);
                assertEquals(Math.round(pixels[at] * 255), rgb >> 16 & 0xff);
                assertEquals(Math.round(pixels[at + 1] * 255), rgb >> 8 & 0xff);
                assertEquals(Math.round(pixels[at + 2] * 255), rgb & 0xff);
            }
        }
    }

    @Test
    void aWrongPixelCountIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.png(new float[5], 2, 2, 1));
        assertEquals("5 values do not make a 2x2x1 image", e.getMessage());
    }
}
