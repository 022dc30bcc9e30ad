package io.fulmen.tensorboard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The TFRecord framing of event files: {@code uint64 length}, {@code uint32 masked_crc32c(length bytes)},
 * {@code data}, {@code uint32 masked_crc32c(data)}, all little-endian, with CRC-32C (Castagnoli).
 */
public final class TfRecords {
    /** Bytes of framing before the payload (length and its CRC). */
    public static final int HEADER_BYTES = 12;
    /** Bytes of framing after the payload (its CRC). */
    public static final int FOOTER_BYTES = 4;

    private static final int MASK_DELTA = 0xA282EAD8;

    private TfRecords() {}

    /** TensorFlow's masked CRC-32C of {@code data[offset, offset + length)}. */
    public static int maskedCrc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return mask((int) crc.getValue());
    }

    /** TensorFlow's mask of a CRC: rotate right by 15 bits, then add {@code 0xA282EAD8}. */
    public static int mask(int crc) {
        return Integer.rotateRight(crc, 15) + MASK_DELTA;
    }

    /** One framed record holding {@code payload}. */
    public static byte[] frame(byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + payload.length + FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(payload.length);
        out.putInt(maskedCrc32c(out.array(), 0, 8));
        out.put(payload);
        out.putInt(maskedCrc32c(payload, 0, payload.length));
        return out.array();
    }
}
