package io.fulmen.wandb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Reads the complete records of a {@code .wandb} log, stopping quietly at the first chunk that is torn, fails its
 * checksum or breaks the framing: what a killed writer left is read up to its last whole record. Used to continue a
 * run; the tests have a strict reader of their own that fails on any of these instead.
 */
final class LogReader {
    private LogReader() {}

    /** The payloads of the complete records of {@code file}, in order; empty when the header is not W&amp;B's. */
    static List<byte[]> completeRecords(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        List<byte[]> records = new ArrayList<>();
        if (b.length < LogFraming.FILE_HEADER.length
                || !Arrays.equals(b, 0, LogFraming.FILE_HEADER.length, LogFraming.FILE_HEADER, 0,
                LogFraming.FILE_HEADER.length)) {
            return records;
        }
        CRC32 crc = new CRC32();
        ByteSink pending = null;
        int pos = LogFraming.FILE_HEADER.length;
        while (true) {
            int left = LogFraming.BLOCK - pos % LogFraming.BLOCK;
            if (left < LogFraming.CHUNK_HEADER) {
                pos += left;
                continue;
            }
            if (pos + LogFraming.CHUNK_HEADER > b.length) {
                return records;
            }
            int length = (b[pos + 4] & 0xFF) | (b[pos + 5] & 0xFF) << 8;
            byte type = b[pos + 6];
            int sum = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
            int data = pos + LogFraming.CHUNK_HEADER;
            if (length + LogFraming.CHUNK_HEADER > left || data + length > b.length
                    || LogFraming.checksum(crc, type, b, data, length) != sum) {
                return records;
            }
            pos = data + length;
            switch (type) {
                case LogFraming.FULL -> {
                    if (pending != null) {
                        return records;
                    }
                    records.add(Arrays.copyOfRange(b, data, data + length));
                }
                case LogFraming.FIRST -> {
                    if (pending != null) {
                        return records;
                    }
                    pending = new ByteSink();
                    pending.add(b, data, length);
                }
                case LogFraming.MIDDLE, LogFraming.LAST -> {
                    if (pending == null) {
                        return records;
                    }
                    pending.add(b, data, length);
                    if (type == LogFraming.LAST) {
                        records.add(pending.bytes());
                        pending = null;
                    }
                }
                default -> {
                    return records;
                }
            }
        }
    }

    private static final class ByteSink extends ByteArrayOutputStream {
        void add(byte[] b, int offset, int length) {
            write(b, offset, length);
        }

        byte[] bytes() {
            return toByteArray();
        }
    }
}
