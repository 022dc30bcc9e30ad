package io.fulmen.runtime.report;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The records of one TFRecord file (TensorBoard's event files): {@code uint64 length},
 * {@code uint32 masked_crc32c(length)}, {@code data}, {@code uint32 masked_crc32c(data)}, little-endian. Both CRCs
 * are checked; a mismatch fails with the file and the record's offset. A file that ends inside a record (a writer
 * stopped mid-write) yields the records before it, as TensorBoard reads such a file.
 */
final class TfRecordFile {
    private static final int MASK_DELTA = 0xA282EAD8;
    private static final int HEADER = 12;

    /** Receives each record's payload and its offset in the file. */
    interface RecordHandler {
        void record(long offset, byte[] data) throws IOException;
    }

    private TfRecordFile() {}

    /**
     * Hands every complete record of {@code file} to {@code handler}, in order.
     *
     * @return the offset of a partial record at the end of the file, or -1 when the file ends after a record
     */
    static long read(Path file, RecordHandler handler) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long offset = 0;
            while (true) {
                byte[] header = in.readNBytes(HEADER);
                if (header.length == 0) {
                    return -1;
                }
                if (header.length < HEADER) {
                    return offset;
                }
                ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                long length = h.getLong(0);
                check(file, offset, "length", h.getInt(8), maskedCrc(header, 8));
                if (length < 0 || length > Integer.MAX_VALUE - 8) {
                    throw new IOException(file + ": record at offset " + offset + " claims " + Long.toUnsignedString(
                            length) + " bytes, more than a record can hold");
                }
                byte[] data = in.readNBytes((int) length);
                byte[] footer = in.readNBytes(4);
                if (data.length < length || footer.length < 4) {
                    return offset;
                }
                check(file, offset, "data", ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                        maskedCrc(data, data.length));
                handler.record(offset, data);
                offset += HEADER + length + 4;
            }
        }
    }

    /** TensorFlow's masked CRC-32C of the first {@code length} bytes of {@code bytes}. */
    static int maskedCrc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return Integer.rotateRight((int) crc.getValue(), 15) + MASK_DELTA;
    }

    private static void check(Path file, long offset, String part, int stored, int computed) throws IOException {
        if (stored != computed) {
            throw new IOException(String.format(java.util.Locale.ROOT,
                    "%s: record at offset %d: the %s CRC does not match (stored 0x%08x, computed 0x%08x);"
                            + " the file is damaged from there on", file, offset, part, stored, computed));
        }
    }
}
