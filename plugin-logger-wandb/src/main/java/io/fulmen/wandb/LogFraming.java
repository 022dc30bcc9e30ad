package io.fulmen.wandb;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * The framing of a {@code .wandb} transaction log, a LevelDB log variant: a 7-byte file header
 * ({@code ":W&B"}, magic {@code 0xBEE1} little-endian, version 0), then 32 KiB blocks counted from offset 0, each
 * holding chunks of {@code crc32 (LE32) · length (LE16) · type (1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST) · data}. The
 * checksum is plain CRC-32 (IEEE, {@link CRC32}) over the type byte and the data; it is not masked and not CRC-32C,
 * unlike TFRecord. A record that does not fit the rest of its block is split into FIRST, MIDDLE… and LAST chunks;
 * fewer than 7 bytes left in a block are zero-filled before the next record. Nothing pads the end of the file.
 *
 * <p>Not thread-safe: one writer thread owns an instance.
 */
final class LogFraming {
    /** The block size. */
    static final int BLOCK = 32768;
    /** Bytes of a chunk header. */
    static final int CHUNK_HEADER = 7;
    /** The file header: {@code ":W&B"}, {@code E1 BE}, version {@code 00}. */
    static final byte[] FILE_HEADER = {0x3A, 0x57, 0x26, 0x42, (byte) 0xE1, (byte) 0xBE, 0x00};
    /** Chunk types. */
    static final byte FULL = 1, FIRST = 2, MIDDLE = 3, LAST = 4;

    private final OutputStream out;
    private final byte[] header = new byte[CHUNK_HEADER];
    private final CRC32 crc = new CRC32();
    private long position;

    /** Writes the file header to {@code out}, which must be at the start of an empty file. */
    LogFraming(OutputStream out) throws IOException {
        this.out = out;
        out.write(FILE_HEADER);
        position = FILE_HEADER.length;
    }

    /** Bytes written so far, the file header included. */
    long position() {
        return position;
    }

    /** The index of the block the next byte goes to. */
    long block() {
        return position / BLOCK;
    }

    /** Appends one record, split into chunks where it crosses blocks. */
    void append(byte[] record) throws IOException {
        int left = BLOCK - (int) (position % BLOCK);
        if (left < CHUNK_HEADER) {
            out.write(new byte[left]);
            position += left;
            left = BLOCK;
        }
        if (record.length + CHUNK_HEADER <= left) {
            chunk(FULL, record, 0, record.length);
            return;
        }
        // The first piece may be empty (exactly 7 bytes left): both of W&B's writers emit such a chunk.
        int offset = left - CHUNK_HEADER;
        chunk(FIRST, record, 0, offset);
        while (record.length - offset > BLOCK - CHUNK_HEADER) {
            chunk(MIDDLE, record, offset, BLOCK - CHUNK_HEADER);
            offset += BLOCK - CHUNK_HEADER;
        }
        chunk(LAST, record, offset, record.length - offset);
    }

    /** The checksum of a chunk: CRC-32 of its type byte followed by its data. */
    static int checksum(CRC32 crc, byte type, byte[] data, int offset, int length) {
        crc.reset();
        crc.update(type);
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    private void chunk(byte type, byte[] data, int offset, int length) throws IOException {
        int sum = checksum(crc, type, data, offset, length);
        header[0] = (byte) sum;
        header[1] = (byte) (sum >>> 8);
        header[2] = (byte) (sum >>> 16);
        header[3] = (byte) (sum >>> 24);
        header[4] = (byte) length;
        header[5] = (byte) (length >>> 8);
        header[6] = type;
        out.write(header);
        out.write(data, offset, length);
        position += CHUNK_HEADER + length;
    }
}
