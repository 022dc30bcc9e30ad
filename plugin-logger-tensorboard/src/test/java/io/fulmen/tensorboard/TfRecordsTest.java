package io.fulmen.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fulmen.tensorboard.proto.DataType;
import io.fulmen.tensorboard.proto.Event;
import io.fulmen.tensorboard.proto.Summary;
import io.fulmen.tensorboard.proto.SummaryMetadata;
import io.fulmen.tensorboard.proto.TensorProto;
import io.fulmen.tensorboard.proto.TensorShapeProto;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/** The golden records of /work/shared/anchors/tfevents-format.md, byte for byte. */
class TfRecordsTest {
    static final String GOLDEN_VERSION = "18 00 00 00 00 00 00 00 a3 7f 4b 22 | 09 00 00 20 40 fc 54 d9 41 1a 0d 62 72 61 69 6e 2e 45 76 65 6e 74 3a 32 | 2b 35 31 10";
    static final String GOLDEN_LOSS = "1a 00 00 00 00 00 00 00 12 9b d8 2d | 09 00 00 50 40 fc 54 d9 41 10 03 2a 0d 0a 0b 0a 04 6c 6f 73 73 15 00 00 00 3f | fb 8b c7 df";
    static final String GOLDEN_ACC = "2b 00 00 00 00 00 00 00 86 1b c3 4b | 09 00 00 50 40 fc 54 d9 41 10 03 2a 1e 0a 1c 0a 03 61 63 63 42 08 08 01 2a 04 00 00 40 3f 4a 0b 0a 09 0a 07 73 63 61 6c 61 72 73 | 14 65 34 83";

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace("|", "").replace(" ", ""));
    }

    static Event versionEvent() {
        return Event.newBuilder().setWallTime(1700000000.5).setFileVersion("brain.Event:2").build();
    }

    static Event lossEvent() {
        return Event.newBuilder().setWallTime(1700000001.25).setStep(3)
                .setSummary(Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag("loss").setSimpleValue(0.5f)))
                .build();
    }

    static Event accEvent() {
        return Event.newBuilder().setWallTime(1700000001.25).setStep(3)
                .setSummary(Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag("acc")
                        .setTensor(TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).addFloatVal(0.75f))
                        .setMetadata(SummaryMetadata.newBuilder().setPluginData(
                                SummaryMetadata.PluginData.newBuilder().setPluginName("scalars")))))
                .build();
    }

    @Test
    void crc32cCheckValueAndMask() {
        CRC32C crc = new CRC32C();
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, crc.getValue());
        int c = 0xE3069283;
        assertEquals((((c >>> 15) | (c << 17)) + 0xA282EAD8), TfRecords.mask(c));
    }

    @Test
    void goldenRecordsAreReproducedExactly() {
        assertArrayEquals(hex(GOLDEN_VERSION), TfRecords.frame(versionEvent().toByteArray()));
        assertArrayEquals(hex(GOLDEN_LOSS), TfRecords.frame(lossEvent().toByteArray()));
        assertArrayEquals(hex(GOLDEN_ACC), TfRecords.frame(accEvent().toByteArray()));
    }

    @Test
    void goldenRecordsDecode() throws Exception {
        byte[] all = hex(GOLDEN_VERSION + GOLDEN_LOSS + GOLDEN_ACC);
        TfEventsReader.Result r = TfEventsReader.read(all);
        assertEquals(0, r.truncatedTailBytes());
        assertEquals(3, r.events().size());
        assertEquals(versionEvent(), r.events().get(0));
        assertEquals(lossEvent(), r.events().get(1));
        assertEquals(accEvent(), r.events().get(2));
        assertEquals(TensorShapeProto.getDefaultInstance(), r.events().get(2).getSummary().getValue(0).getTensor().getTensorShape());
    }
}
