package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.types.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a Fulmen checkpoint file, shared by {@link CheckpointWriter} and {@link CheckpointReader}.
 * {@code docs/checkpoint-format.md} describes the same layout for readers in other languages; the two must agree.
 *
 * <pre>
 * offset        size  content
 * 0             64    header (below)
 * 64            ...   tensor payload: tensor i starts at the first multiple of 64 at or after the end of tensor i-1
 *                     (the first at 64); the gaps are zero bytes
 * manifestOff   M     manifest: UTF-8 JSON {"tensors": [...], "manifest": {...}}
 * L - 16        16    trailer: u64 L, then the 8 ASCII bytes "ENDFULCK"
 *
 * header: 0 magic "FULMENCK" | 8 u32 format version | 12 u32 flags | 16 u64 file length L | 24 u64 manifestOff |
 *         32 u64 manifest length M | 40 u32 CRC32C of the manifest | 44 16 reserved zero bytes |
 *         60 u32 CRC32C of header bytes 0..59
 * </pre>
 *
 * All integers are little-endian and unsigned. The manifest comes after the payload so that a writer can stream
 * the tensors once, computing their checksums on the way, and write the header last.
 */
final class CheckpointFile {
    private CheckpointFile() {}

    static final byte[] MAGIC = "FULMENCK".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRAILER_MAGIC = "ENDFULCK".getBytes(StandardCharsets.US_ASCII);
    /** The format this code writes, and the newest it reads. */
    static final int FORMAT_VERSION = 1;
    static final int HEADER_SIZE = 64;
    static final int TRAILER_SIZE = 16;
    static final int ALIGNMENT = 64;
    /** The manifest is read into one array; a real one is kilobytes. */
    static final long MAX_MANIFEST_BYTES = 256L << 20;
    /** One tensor is read into one {@link ByteBuffer}. */
    static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 64;
    static final int MAX_RANK = 64;

    /** Offsets of the header fields. */
    static final int VERSION_AT = 8;
    static final int FLAGS_AT = 12;
    static final int FILE_LENGTH_AT = 16;
    static final int MANIFEST_OFFSET_AT = 24;
    static final int MANIFEST_LENGTH_AT = 32;
    static final int MANIFEST_CRC_AT = 40;
    static final int RESERVED_AT = 44;
    static final int HEADER_CRC_AT = 60;

    /**
     * The dtype names of the format, each with its DJL type; element sizes come from {@link DataType}. Only types
     * DJL's PyTorch engine can create: in DJL 0.35.1 creating a bfloat16, int16 or unsigned 16/32/64-bit array
     * aborts the JVM, so a file naming one must be refused, not read.
     */
    static final Map<String, DataType> DTYPES;
    static final Map<DataType, String> DTYPE_NAMES;

    static {
        Map<String, DataType> byName = new LinkedHashMap<>();
        for (DataType type : new DataType[] {
                DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64,
                DataType.INT8, DataType.INT32, DataType.INT64, DataType.UINT8, DataType.BOOLEAN}) {
            byName.put(type.toString(), type); // DJL's lower-case name: "float32", "bfloat16", "boolean"
        }
        DTYPES = Collections.unmodifiableMap(byName);
        Map<DataType, String> names = new EnumMap<>(DataType.class);
        byName.forEach((name, type) -> names.put(type, name));
        DTYPE_NAMES = Collections.unmodifiableMap(names);
    }

    static long align(long offset) {
        return Math.addExact(offset, ALIGNMENT - 1) & -ALIGNMENT;
    }

    static int crc32c(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    static ByteBuffer header(int version, long fileLength, long manifestOffset, long manifestLength, int manifestCrc) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC)
                .putInt(VERSION_AT, version)
                .putInt(FLAGS_AT, 0)
                .putLong(FILE_LENGTH_AT, fileLength)
                .putLong(MANIFEST_OFFSET_AT, manifestOffset)
                .putLong(MANIFEST_LENGTH_AT, manifestLength)
                .putInt(MANIFEST_CRC_AT, manifestCrc);
        header.putInt(HEADER_CRC_AT, crc32c(header.array(), 0, HEADER_CRC_AT));
        return header.clear();
    }

    static ByteBuffer trailer(long fileLength) {
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putLong(fileLength).put(TRAILER_MAGIC);
        return trailer.clear();
    }

    /** Tensor bytes are written and read as they lie in memory; the format is little-endian. */
    static void requireLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException(
                    "Fulmen checkpoints are little-endian; big-endian platforms are not supported");
        }
    }
}
