package io.fulmen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {
    @TempDir
    Path run;

    @Test
    void writesTheReportOfAFinishedCsvRun() throws IOException {
        Files.writeString(run.resolve("metrics.csv"), "epoch,step,train_loss,val_loss\n0,0,1.5,\n0,1,1.25,\n"
                + "0,1,,0.75\n1,2,nan,\n1,3,0.5,0.25\n");
        Files.writeString(run.resolve("hparams.yaml"), "hidden: 16\nlr: 0.001\n");
        Files.writeString(run.resolve("config.yaml"), "trainer:\n  max_epochs: 2\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = Fulmen.run(new String[] {"report", run.toString()}, print(out),
                print(new ByteArrayOutputStream()));

        assertEquals(0, status);
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("report.html"), out.toString());
        assertTrue(html.contains("data-series=\"train_loss\" data-points=\"3\""), "nan is left out: " + html);
        assertTrue(html.contains("data-series=\"val_loss\" data-points=\"2\""), html);
        assertTrue(html.contains("<td>lr</td><td>0.001</td>"), html);
        assertTrue(html.contains("max_epochs: 2"), html);
    }

    @Test
    void aDamagedTensorBoardFileFailsNamingTheFileAndTheRecord() throws IOException {
        byte[] record = java.util.HexFormat.of().parseHex("1800000000000000a37f4b22"
                + "0900002040fc54d9411a0d627261696e2e4576656e743a32" + "2b353110"); // TensorBoard's own bytes
        record[20] ^= 1;
        Path file = Files.write(run.resolve("events.out.tfevents.1.host"), record);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Fulmen.run(new String[] {"report", run.toString()}, print(new ByteArrayOutputStream()),
                print(err));

        assertEquals(Fulmen.FAILED, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("fulmen report failed: " + file
                + ": record at offset 0: the data CRC does not match"), err.toString());
    }

    @Test
    void aMissingFolderIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Fulmen.run(new String[] {"report", run.resolve("nope").toString()},
                print(new ByteArrayOutputStream()), print(err));
        assertEquals(Fulmen.USAGE, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such run folder"), err.toString());
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
