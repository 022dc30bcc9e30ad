package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fulmen.runtime.checkpoint.ManifestIndex.Entry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The tensors of a checkpoint file as arrays over a private mapping of it ({@link CheckpointReader#map}): DJL's
 * PyTorch engine wraps a direct buffer without copying it ({@code torch::from_blob}) and keeps the buffer
 * referenced from the array, and a slice keeps its mapping alive.
 */
final class MappedTensors {
    /** The most bytes one mapping covers; a tensor is at most {@link CheckpointFile#MAX_TENSOR_BYTES}, so fits. */
    static final long MAX_WINDOW = Integer.MAX_VALUE;

    private MappedTensors() {}

    static Map<String, NDArray> map(Path file, FileChannel channel, List<Entry> entries, NDManager manager)
            throws IOException {
        return map(file, channel, entries, manager, MAX_WINDOW);
    }

    /** As {@link #map(Path, FileChannel, List, NDManager)}, with mappings of at most {@code maxWindow} bytes. */
    static Map<String, NDArray> map(Path file, FileChannel channel, List<Entry> entries, NDManager manager,
            long maxWindow) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        List<NDArray> created = new ArrayList<>();
        boolean complete = false;
        try {
            MappedByteBuffer window = null;
            long windowStart = 0;
            long position = CheckpointFile.HEADER_SIZE;
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                CheckpointReader.checkPadding(file, channel, position, entry);
                position = entry.offset() + entry.length();
                Shape shape = new Shape(entry.shape());
                NDArray array;
                if (entry.length() == 0) {
                    array = manager.create(shape, entry.type());
                } else {
                    if (window == null || position > windowStart + window.capacity()) {
                        windowStart = entry.offset();
                        window = channel.map(FileChannel.MapMode.PRIVATE, windowStart,
                                windowEnd(entries, i, windowStart, maxWindow) - windowStart);
                    }
                    ByteBuffer data = window.slice((int) (entry.offset() - windowStart), (int) entry.length())
                            .order(ByteOrder.nativeOrder());
                    CRC32C crc = new CRC32C();
                    crc.update(data.duplicate());
                    if ((int) crc.getValue() != entry.crc()) {
                        throw new CheckpointFormatException(file, "tensor " + ManifestIndex.quote(entry.name())
                                + " is corrupt (CRC32C mismatch)");
                    }
                    array = manager.create(data, shape, entry.type());
                }
                created.add(array);
                tensors.put(entry.name(), array);
            }
            complete = true;
            return tensors;
        } finally {
            if (!complete) {
                created.forEach(NDArray::close);
            }
        }
    }

    /** Where a mapping starting at tensor {@code first} ends: after as many whole tensors as fit in one. */
    private static long windowEnd(List<Entry> entries, int first, long start, long maxWindow) {
        long end = entries.get(first).offset() + entries.get(first).length();
        for (int i = first + 1; i < entries.size(); i++) {
            long next = entries.get(i).offset() + entries.get(i).length();
            if (next - start > maxWindow) {
                break;
            }
            end = next;
        }
        return end;
    }
}
