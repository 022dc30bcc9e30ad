package io.fulmen.wandb;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fulmen.wandb.proto.Record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A strict reader of {@code .wandb} logs for the tests, written from the format notes, not from our writer: it fails
 * on a wrong file header, a chunk that leaves its block, a bad CRC, a non-zero or trailing block padding, a chunk
 * type out of sequence, a record that is not a {@code wandb_internal.Record} with a record type, and record numbers
 * that are not 1, 2, 3…. With {@code allowTornTail} the file may end inside a chunk or a record (a killed writer);
 * otherwise it must end right after a complete record.
 */
final class StrictLogReader {
    /** What was read: the records and how many bytes after the last complete record were left unread. */
    record Result(List<byte[]> payloads, int tornTailBytes) {
        /** The payloads as records: each a {@code wandb_internal.Record} with a type, numbered 1, 2, 3…. */
        List<Record> records() {
            return parse(payloads);
        }
    }

    private StrictLogReader() {}

    static Result read(Path file) throws IOException {
        return read(Files.readAllBytes(file), false);
    }

    static Result read(byte[] b, boolean allowTornTail) {
        if (b.length < 7 || !Arrays.equals(Arrays.copyOf(b, 7), LogFraming.FILE_HEADER)) {
            throw new AssertionError("bad file header: " + Arrays.toString(Arrays.copyOf(b, Math.min(7, b.length))));
        }
        List<byte[]> payloads = new ArrayList<>();
        CRC32 crc = new CRC32();
        ByteArrayOutputStream pending = null;
        int pos = 7;
        int lastComplete = 7;
        while (pos < b.length) {
            int left = 32768 - pos % 32768;
            if (left < 7) {
                for (int i = pos; i < pos + left; i++) {
                    if (i >= b.length) {
                        throw new AssertionError("the file ends in the padding of a block at " + pos);
                    }
                    if (b[i] != 0) {
                        throw new AssertionError("non-zero padding byte at " + i);
                    }
                }
                pos += left;
                if (pos == b.length) {
                    throw new AssertionError("padding with no record after it at the end of the file");
                }
                continue;
            }
            if (pos + 7 > b.length) {
                return torn(b, allowTornTail, payloads, lastComplete, "a chunk header at " + pos);
            }
            int sum = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
            int length = (b[pos + 4] & 0xFF) | (b[pos + 5] & 0xFF) << 8;
            int type = b[pos + 6];
            if (length + 7 > left) {
                throw new AssertionError("chunk at " + pos + " of " + length + " bytes runs past its block");
            }
            if (pos + 7 + length > b.length) {
                return torn(b, allowTornTail, payloads, lastComplete, "chunk data at " + pos);
            }
            crc.reset();
            crc.update(type);
            crc.update(b, pos + 7, length);
            if ((int) crc.getValue() != sum) {
                throw new AssertionError("bad CRC for the chunk at " + pos);
            }
            switch (type) {
                case 1 -> {
                    expect(pending == null, "FULL inside a split record at " + pos);
                    expect(length > 0, "empty FULL chunk at " + pos);
                    payloads.add(Arrays.copyOfRange(b, pos + 7, pos + 7 + length));
                }
                case 2 -> {
                    expect(pending == null, "FIRST inside a split record at " + pos);
                    pending = new ByteArrayOutputStream();
                    pending.write(b, pos + 7, length);
                }
                case 3, 4 -> {
                    expect(pending != null, "MIDDLE or LAST without FIRST at " + pos);
                    expect(type == 4 || length == 32761, "a MIDDLE chunk fills its block");
                    expect(pos % 32768 == 0, "MIDDLE and LAST start a block");
                    pending.write(b, pos + 7, length);
                    if (type == 4) {
                        payloads.add(pending.toByteArray());
                        pending = null;
                    }
                }
                default -> throw new AssertionError("chunk type " + type + " at " + pos);
            }
            pos += 7 + length;
            if (pending == null) {
                lastComplete = pos;
            }
        }
        if (pending != null) {
            return torn(b, allowTornTail, payloads, lastComplete, "a split record");
        }
        return new Result(payloads, 0);
    }

    private static Result torn(byte[] b, boolean allowed, List<byte[]> payloads, int lastComplete, String what) {
        if (!allowed) {
            throw new AssertionError("the file ends inside " + what);
        }
        return new Result(payloads, b.length - lastComplete);
    }

    private static List<Record> parse(List<byte[]> payloads) {
        List<Record> records = new ArrayList<>();
        for (byte[] p : payloads) {
            try {
                Record r = Record.parseFrom(p);
                expect(r.getRecordTypeCase() != Record.RecordTypeCase.RECORDTYPE_NOT_SET, "a record without type");
                expect(r.getNum() == records.size() + 1, "record number " + r.getNum() + " at " + records.size());
                records.add(r);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("record " + (records.size() + 1) + " does not parse", e);
            }
        }
        return records;
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
