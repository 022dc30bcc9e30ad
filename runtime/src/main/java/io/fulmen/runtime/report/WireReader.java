package io.fulmen.runtime.report;

import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf's wire format field by field: the few message shapes the report decodes from TensorBoard event
 * files, without a dependency on protobuf-java or on the TensorBoard plugin. Malformed input raises
 * {@link IllegalArgumentException} naming the byte position inside the message.
 */
final class WireReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] bytes;
    private int pos;
    private final int limit;
    private int field;
    private int wireType;

    WireReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    private WireReader(byte[] bytes, int from, int limit) {
        this.bytes = bytes;
        this.pos = from;
        this.limit = limit;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= limit) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field == 0) {
            throw malformed("field number 0");
        }
        return true;
    }

    /** Whether bytes are left (to read a packed repeated field element by element). */
    boolean hasMore() {
        return pos < limit;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw malformed("the message ends inside a varint");
            }
            byte b = bytes[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw malformed("a varint longer than 10 bytes");
    }

    long fixed64() {
        byte[] b = take(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xffL);
        }
        return v;
    }

    int fixed32() {
        byte[] b = take(4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    double doubleValue() {
        return Double.longBitsToDouble(fixed64());
    }

    float floatValue() {
        return Float.intBitsToFloat(fixed32());
    }

    /** The current length-delimited field as a reader of its own. */
    WireReader message() {
        int length = length();
        WireReader inner = new WireReader(bytes, pos, pos + length);
        pos += length;
        return inner;
    }

    byte[] bytesValue() {
        return take(length());
    }

    String string() {
        return new String(bytesValue(), StandardCharsets.UTF_8);
    }

    /** Skips the current field's value, whatever its wire type. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> take(8);
            case LENGTH_DELIMITED -> take(length());
            case FIXED32 -> take(4);
            default -> throw malformed("wire type " + wireType + " of field " + field);
        }
    }

    private int length() {
        long length = varint();
        if (length < 0 || length > limit - pos) {
            throw malformed("a length of " + length + " with " + (limit - pos) + " bytes left");
        }
        return (int) length;
    }

    private byte[] take(int n) {
        if (n > limit - pos) {
            throw malformed("the message ends inside a value");
        }
        byte[] out = java.util.Arrays.copyOfRange(bytes, pos, pos + n);
        pos += n;
        return out;
    }

    private IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException("malformed protobuf at byte " + pos + ": " + what);
    }
}
