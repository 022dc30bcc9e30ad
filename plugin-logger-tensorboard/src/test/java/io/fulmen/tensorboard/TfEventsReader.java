package io.fulmen.tensorboard;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fulmen.tensorboard.proto.Event;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an event file as TensorBoard does, but strictly: every length CRC and data CRC is checked (masked) and a
 * mismatch throws; a truncated record at the end is reported (TensorBoard silently stops there).
 */
final class TfEventsReader {
    record Result(List<Event> events, int truncatedTailBytes) {}

    private TfEventsReader() {}

    static Result read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    static Result read(byte[] bytes) throws InvalidProtocolBufferException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            if (in.remaining() < TfRecords.HEADER_BYTES) {
                return new Result(events, in.remaining());
            }
            long length = in.getLong();
            int lengthCrc = in.getInt();
            int expected = TfRecords.maskedCrc32c(bytes, start, 8);
            if (lengthCrc != expected) {
                throw new IllegalStateException("bad length CRC at offset " + start);
            }
            if (length < 0 || length > in.remaining() - TfRecords.FOOTER_BYTES) {
                return new Result(events, bytes.length - start);
            }
            int dataStart = in.position();
            byte[] data = new byte[(int) length];
            in.get(data);
            int dataCrc = in.getInt();
            if (dataCrc != TfRecords.maskedCrc32c(bytes, dataStart, (int) length)) {
                throw new IllegalStateException("bad data CRC at offset " + start);
            }
            events.add(Event.parseFrom(data));
        }
        return new Result(events, 0);
    }

    /** The single event file in {@code dir}. */
    static Path eventFile(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().contains("tfevents")).toList();
            if (files.size() != 1) {
                throw new IllegalStateException("expected one event file in " + dir + ", found " + files);
            }
            return files.get(0);
        }
    }
}
