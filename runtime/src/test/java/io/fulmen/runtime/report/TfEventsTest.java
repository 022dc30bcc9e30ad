package io.fulmen.runtime.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's TensorBoard reader on TensorBoard's own golden records ({@code shared/anchors/tfevents-format.md},
 * framed by TensorBoard's CRC code) and on events encoded here for the shapes Fulmen's writer does not produce:
 * TensorFlow 2's tensor scalars in {@code tensor_content}, metadata only on a tag's first value, damaged files.
 */
class TfEventsTest {
    /** {@code file_version}, {@code loss} as simple_value 0.5 at step 3, {@code acc} as float_val 0.75 at step 3. */
    private static final String GOLDEN = "18000000000000 00a37f4b22 0900002040fc54d9411a0d627261696e2e4576656e743a32"
            + " 2b353110"
            + " 1a00000000000000 129bd82d 0900005040fc54d941100 32a0d0a0b0a046c6f7373150000003f fb8bc7df"
            + " 2b00000000000000 861bc34b 0900005040fc54d94110032a1e0a1c0a036163634208080 12a04000040 3f4a0b0a090a07"
            + "7363616c617273 14653483";

    @TempDir
    Path dir;

    @Test
    void readsTensorBoardsGoldenRecords() throws IOException {
        Path file = write("events.out.tfevents.1.golden", HexFormat.of().parseHex(GOLDEN.replace(" ", "")));
        TfEvents.Run run = TfEvents.read(List.of(file));
        assertEquals(List.of(new MetricSeries("loss", List.of(3L), List.of(0.5)),
                new MetricSeries("acc", List.of(3L), List.of(0.75))), run.series());
        assertTrue(run.notes().isEmpty(), run.notes().toString());
    }

    @Test
    void readsTensorScalarsByTheFirstMetadataOfTheirTagAndLeavesOutEpochAndOtherPlugins() throws IOException {
        byte[] scalars = metadata("scalars");
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        records.writeBytes(record(event(1, value("val_acc", tensorContent(2, doubleBytes(0.8125)), scalars))));
        records.writeBytes(record(event(2, value("val_acc", tensorContent(2, doubleBytes(0.875)), null))));
        records.writeBytes(record(event(2, value("val_acc", floatVal(0.9375f), null))));
        records.writeBytes(record(event(2, simple("epoch", 1f))));
        records.writeBytes(record(event(2, value("notes", tensorContent(7, "hi".getBytes(StandardCharsets.UTF_8)),
                metadata("text")))));
        records.writeBytes(record(event(4, simple("loss", Float.NaN))));
        records.writeBytes(record(event(0, hparams(Map.of("lr", numberValue(0.001))))));
        Path file = write("events.out.tfevents.2.tf2", records.toByteArray());

        TfEvents.Run run = TfEvents.read(List.of(file));

        assertEquals(List.of(new MetricSeries("val_acc", List.of(1L, 2L, 2L), List.of(0.8125, 0.875, 0.9375))),
                run.series());
        assertEquals(Map.of("lr", "0.001"), run.hparams());
    }

    @Test
    void aWrongCrcNamesTheFileAndTheRecordsOffset() throws IOException {
        byte[] first = record(event(1, simple("loss", 1f)));
        byte[] second = record(event(2, simple("loss", 0.5f)));
        second[second.length - 20] ^= 1; // inside the payload
        Path file = write("events.out.tfevents.3.damaged", concat(first, second));

        IOException e = assertThrows(IOException.class, () -> TfEvents.read(List.of(file)));
        assertTrue(e.getMessage().startsWith(file + ": record at offset " + first.length + ": the data CRC does not"
                + " match"), e.getMessage());

        byte[] badLength = record(event(1, simple("loss", 1f)));
        badLength[0] ^= 4;
        Path other = write("events.out.tfevents.4.damaged", badLength);
        IOException length = assertThrows(IOException.class, () -> TfEvents.read(List.of(other)));
        assertTrue(length.getMessage().startsWith(other + ": record at offset 0: the length CRC"), length.getMessage());
    }

    @Test
    void aFileEndingInsideARecordIsReadUpToThereWithANote() throws IOException {
        byte[] first = record(event(1, simple("loss", 1f)));
        byte[] second = record(event(2, simple("loss", 0.5f)));
        Path file = write("events.out.tfevents.5.cut", concat(first, java.util.Arrays.copyOf(second, 15)));

        TfEvents.Run run = TfEvents.read(List.of(file));

        assertEquals(List.of(new MetricSeries("loss", List.of(1L), List.of(1.0))), run.series());
        assertEquals(List.of(file.getFileName() + " ends inside a record at offset " + first.length
                + " (its writer stopped mid-write): read up to there"), run.notes());
    }

    @Test
    void anUndecodableEventNamesTheFileAndOffset() throws IOException {
        Path file = write("events.out.tfevents.6.bad", record(new byte[] {0x2a, 0x7f, 0x01}));
        IOException e = assertThrows(IOException.class, () -> TfEvents.read(List.of(file)));
        assertTrue(e.getMessage().startsWith(file + ": record at offset 0: malformed protobuf"), e.getMessage());
    }

    @Test
    void halfFloatsDecode() {
        assertEquals(1.0, TfEvents.halfToDouble(0x3c00));
        assertEquals(-2.0, TfEvents.halfToDouble(0xc000));
        assertEquals(0.099975586, TfEvents.halfToDouble(0x2e66), 1e-9);
    }

    // ---------------------------------------------------------------- a small protobuf encoder for the tests

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] record(byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(payload.length);
        out.putInt(TfRecordFile.maskedCrc(out.array(), 8));
        out.put(payload);
        out.putInt(TfRecordFile.maskedCrc(payload, payload.length));
        return out.array();
    }

    private static byte[] event(long step, byte[] value) {
        return concat(fixed64(1, 1.7e9), varint(2, step), bytes(5, bytes(1, value)));
    }

    private static byte[] simple(String tag, float v) {
        return concat(bytes(1, tag.getBytes(StandardCharsets.UTF_8)), fixed32(2, v));
    }

    private static byte[] value(String tag, byte[] tensor, byte[] metadata) {
        return concat(bytes(1, tag.getBytes(StandardCharsets.UTF_8)), bytes(8, tensor),
                metadata == null ? new byte[0] : bytes(9, metadata));
    }

    private static byte[] metadata(String plugin) {
        return bytes(1, bytes(1, plugin.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] tensorContent(int dtype, byte[] content) {
        return concat(varint(1, dtype), bytes(2, new byte[0]), bytes(4, content));
    }

    private static byte[] floatVal(float v) {
        byte[] packed = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
        return concat(varint(1, 1), bytes(2, new byte[0]), bytes(5, packed));
    }

    private static byte[] doubleBytes(double v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array();
    }

    private static byte[] numberValue(double v) {
        return fixed64(2, v);
    }

    /** An hparams {@code session_start_info} summary value. */
    private static byte[] hparams(Map<String, byte[]> values) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        values.forEach((k, v) -> info.writeBytes(bytes(1, concat(bytes(1, k.getBytes(StandardCharsets.UTF_8)),
                bytes(2, v)))));
        byte[] pluginData = concat(varint(1, 0), bytes(3, info.toByteArray()));
        byte[] metadata = bytes(1, concat(bytes(1, "hparams".getBytes(StandardCharsets.UTF_8)), bytes(2, pluginData)));
        byte[] nullTensor = concat(varint(1, 1), bytes(2, bytes(2, varint(1, 0))));
        return concat(bytes(1, "_hparams_/session_start_info".getBytes(StandardCharsets.UTF_8)), bytes(8, nullTensor),
                bytes(9, metadata));
    }

    private static byte[] varint(int field, long v) {
        return concat(rawVarint(field << 3), rawVarint(v));
    }

    private static byte[] fixed64(int field, double v) {
        return concat(rawVarint((field << 3) | 1), doubleBytes(v));
    }

    private static byte[] fixed32(int field, float v) {
        return concat(rawVarint((field << 3) | 5),
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }

    private static byte[] bytes(int field, byte[] payload) {
        return concat(rawVarint((field << 3) | 2), rawVarint(payload.length), payload);
    }

    private static byte[] rawVarint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
