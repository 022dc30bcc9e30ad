package io.fulmen.ddp.collective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The memory a collective works on for one array: the array's own memory when the engine lends it, else a copy that
 * {@link #writeBack()} copies into the array afterwards.
 *
 * <p>{@code NDArray.toByteBuffer()} copies (DJL asks with {@code tryDirect = false}). {@code toByteBuffer(true)} on a
 * dense, contiguous PyTorch CPU tensor returns a direct buffer over the tensor's own data ({@code data_ptr}), but
 * for any other tensor it silently returns a fresh contiguous copy. The two cases are told apart by asking twice:
 * the tensor's own memory has the same address both times, copies never do (both copies are still alive then).
 * The copies the question leaves behind are closed at once.
 */
final class ArrayMemory {

    private final NDArray array;
    private final ByteBuffer buffer;
    private final boolean copied;

    private ArrayMemory(NDArray array, ByteBuffer buffer, boolean copied) {
        this.array = array;
        this.buffer = buffer;
        this.copied = copied;
    }

    static ArrayMemory of(NDArray array) {
        long bytes = array.size() * array.getDataType().getNumOfBytes();
        if (bytes == 0) {
            return new ArrayMemory(array, ByteBuffer.allocateDirect(0), false);
        }
        ByteBuffer own = ownMemory(array, bytes);
        if (own != null) {
            return new ArrayMemory(array, own, false);
        }
        ByteBuffer copy = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
        copy.put(array.toByteBuffer()).rewind();
        return new ArrayMemory(array, copy, true);
    }

    private static ByteBuffer ownMemory(NDArray array, long bytes) {
        try (NDScope copies = new NDScope()) {
            copies.suppressNotUsedWarning();
            ByteBuffer first = array.toByteBuffer(true);
            if (!first.isDirect() || first.capacity() != bytes) {
                return null;
            }
            ByteBuffer second = array.toByteBuffer(true);
            long address = GlooNative.address(first);
            return address != 0 && address == GlooNative.address(second) ? first : null;
        }
    }

    /** @return a direct buffer over the memory to work on, position 0, limit at its end */
    ByteBuffer buffer() {
        return buffer;
    }

    /** @return true when the work happens on a copy, not on the array's own memory */
    boolean copied() {
        return copied;
    }

    /** Copies the result into the array when the work happened on a copy (in place: views stay views). */
    void writeBack() {
        if (!copied) {
            return;
        }
        buffer.rewind();
        try (NDArray result = array.getManager().create(buffer, array.getShape(), array.getDataType())) {
            array.set(new NDIndex("..."), result);
        }
    }
}
