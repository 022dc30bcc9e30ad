package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A checkpoint's manifest, distrusted: its UTF-8 JSON parsed strictly, and its tensor index checked for types,
 * bounds, alignment and lengths against the file before anything is allocated for it ({@link CheckpointReader}).
 */
final class ManifestIndex {
    private static final Pattern INTEGER = Pattern.compile("0|-?[1-9][0-9]{0,18}");
    private static final long MAX_CRC = 0xFFFF_FFFFL;

    private ManifestIndex() {}

    /** One tensor of the index: where its bytes are and what they hold. */
    record Entry(String name, DataType type, long[] shape, long offset, long length, int crc) {}

    static JsonObject parse(Path file, ByteBuffer bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(file, "the manifest is not valid UTF-8", e);
        }
        JsonElement root;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("text after the JSON document at " + reader.getPath());
            }
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw new CheckpointFormatException(file, "the manifest is not well-formed JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new CheckpointFormatException(file, "the manifest must be a JSON object");
        }
        return root.getAsJsonObject();
    }

    static JsonObject manifestObject(Path file, JsonObject root) {
        JsonElement manifest = root.get("manifest");
        if (manifest == null || !manifest.isJsonObject()) {
            throw fieldError(file, "manifest", "must be an object");
        }
        return manifest.getAsJsonObject();
    }

    /** Checks the tensor index against the file, before anything is allocated for it. */
    static List<Entry> index(Path file, JsonObject root, long payloadEnd) {
        JsonElement tensors = root.get("tensors");
        if (tensors == null || !tensors.isJsonArray()) {
            throw fieldError(file, "tensors", "must be an array");
        }
        JsonArray array = tensors.getAsJsonArray();
        List<Entry> entries = new ArrayList<>(array.size());
        Set<String> names = new HashSet<>();
        long end = CheckpointFile.HEADER_SIZE;
        for (int i = 0; i < array.size(); i++) {
            String field = "tensors[" + i + "]";
            if (!array.get(i).isJsonObject()) {
                throw fieldError(file, field, "must be an object");
            }
            JsonObject item = array.get(i).getAsJsonObject();
            String name = string(file, item, field + ".name");
            if (!names.add(name)) {
                throw new CheckpointFormatException(file, "the manifest lists tensor " + quote(name) + " twice");
            }
            String dtypeName = string(file, item, field + ".dtype");
            DataType type = CheckpointFile.DTYPES.get(dtypeName);
            if (type == null) {
                throw fieldError(file, field + ".dtype", "is \"" + dtypeName + "\", not one of "
                        + String.join(", ", CheckpointFile.DTYPES.keySet()));
            }
            long[] shape = shape(file, item, field + ".shape");
            long offset = nonNegative(file, item, field + ".offset");
            long length = nonNegative(file, item, field + ".length");
            long crc = nonNegative(file, item, field + ".crc32c");
            if (crc > MAX_CRC) {
                throw fieldError(file, field + ".crc32c", "must be an integer from 0 to " + MAX_CRC);
            }
            long bytes;
            try {
                long elements = 1;
                for (long dim : shape) {
                    elements = Math.multiplyExact(elements, dim);
                }
                bytes = Math.multiplyExact(elements, (long) type.getNumOfBytes());
            } catch (ArithmeticException e) {
                throw new CheckpointFormatException(file, "tensor " + quote(name) + " has shape "
                        + Arrays.toString(shape) + ", more elements than any tensor can have");
            }
            if (bytes != length) {
                throw new CheckpointFormatException(file, "tensor " + quote(name) + " is listed with length "
                        + length + ", but shape " + Arrays.toString(shape) + " of " + dtypeName + " takes "
                        + bytes + " bytes");
            }
            if (offset < CheckpointFile.HEADER_SIZE || offset > payloadEnd || length > payloadEnd - offset) {
                throw new CheckpointFormatException(file, "tensor " + quote(name) + " (bytes " + offset + " to "
                        + (offset + length) + ") lies outside the tensor payload (bytes "
                        + CheckpointFile.HEADER_SIZE + " to " + payloadEnd + ")");
            }
            if (length > CheckpointFile.MAX_TENSOR_BYTES) {
                throw new CheckpointFormatException(file, "tensor " + quote(name) + " is " + length
                        + " bytes, more than the " + CheckpointFile.MAX_TENSOR_BYTES + " a tensor may have");
            }
            long expected = CheckpointFile.align(end);
            if (offset != expected) {
                throw new CheckpointFormatException(file, "tensor " + quote(name) + " is at offset " + offset
                        + ", expected " + expected + " (each tensor starts at the first multiple of "
                        + CheckpointFile.ALIGNMENT + " after the one before)");
            }
            end = offset + length;
            entries.add(new Entry(name, type, shape, offset, length, (int) crc));
        }
        if (end != payloadEnd) {
            throw new CheckpointFormatException(file, "the tensors end at byte " + end
                    + ", but the manifest starts at " + payloadEnd);
        }
        return entries;
    }

    private static String string(Path file, JsonObject item, String field) {
        JsonElement value = item.get(leaf(field));
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw fieldError(file, field, "must be a string");
        }
        return value.getAsString();
    }

    private static long nonNegative(Path file, JsonObject item, String field) {
        long value = integer(item.get(leaf(field)));
        if (value < 0) {
            throw fieldError(file, field, "must be a non-negative integer");
        }
        return value;
    }

    private static long[] shape(Path file, JsonObject item, String field) {
        JsonElement value = item.get(leaf(field));
        String problem = "must be an array of at most " + CheckpointFile.MAX_RANK + " non-negative integers";
        if (value == null || !value.isJsonArray() || value.getAsJsonArray().size() > CheckpointFile.MAX_RANK) {
            throw fieldError(file, field, problem);
        }
        JsonArray dims = value.getAsJsonArray();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = integer(dims.get(i));
            if (shape[i] < 0) {
                throw fieldError(file, field, problem);
            }
        }
        return shape;
    }

    /** The value as a long when it is a JSON integer that fits one, else -1. */
    private static long integer(JsonElement value) {
        if (value == null || !value.isJsonPrimitive()) {
            return -1;
        }
        JsonPrimitive primitive = value.getAsJsonPrimitive();
        if (!primitive.isNumber()) {
            return -1;
        }
        String text = primitive.getAsString();
        if (!INTEGER.matcher(text).matches()) {
            return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String leaf(String field) {
        return field.substring(field.lastIndexOf('.') + 1);
    }

    private static CheckpointFormatException fieldError(Path file, String field, String problem) {
        return new CheckpointFormatException(file, "manifest field '" + field + "' " + problem);
    }

    static String quote(String name) {
        return "'" + (name.length() <= 200 ? name : name.substring(0, 200) + "...") + "'";
    }
}
