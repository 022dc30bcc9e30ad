package io.fulmen.runtime.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import org.apiguardian.api.API;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes a {@link Checkpoint} to one file in the layout of {@code docs/checkpoint-format.md}.
 *
 * <p><b>Atomic.</b> The file is written under a temporary name in the same directory
 * ({@code .<name>.tmp-<random>}), forced to disk, renamed over the target and the directory forced, so that a
 * crash at any instant leaves either the previous file or the new one, complete. When writing fails the temporary
 * file is deleted and the previous file is untouched. Nothing else in the directory is read or written; tensor
 * names never become paths.
 *
 * <p><b>Fast.</b> Each tensor's bytes are taken from the array's own memory where the engine allows it (DJL's
 * PyTorch CPU arrays: {@code toByteBuffer(true)}), checksummed and written in large chunks, once. An array on
 * another device is copied to the CPU first, and a non-contiguous one made contiguous, each copy freed as soon as
 * it is written.
 *
 * <p>Stateless and thread-safe; two threads must not write the same file at once. The checkpoint's arrays must not
 * be used by another thread while they are written: their bytes are read in place, and each array is attached to a
 * scratch manager for the moment of its write (so that a copy it needs is freed with that manager, where an
 * operation's result on that array would be freed too).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class CheckpointWriter {
    /** CRC and write in slices of this size, so the second pass over a slice finds it in cache. */
    private static final int CHUNK = 4 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CheckpointFile.ALIGNMENT);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private CheckpointWriter() {}

    private record Entry(String name, NDArray array, String dtype, long[] shape, long offset, long length) {}

    /**
     * Writes {@code checkpoint} to {@code file}, atomically replacing a file already there. The directory must
     * exist.
     *
     * @throws IllegalArgumentException when the checkpoint cannot be stored: a tensor of a type the format lacks
     *     (strings, complex), one over 2 GiB, or a manifest holding NaN or an infinity
     * @throws IOException when writing fails; the previous file is then intact
     */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        writeAtomically(file, checkpoint);
    }

    /**
     * Deletes temporaries of {@code name} left by writers that crashed mid-write (a SIGKILL leaves one). One writer
     * per target is assumed, as only the checkpointing process writes a given file.
     */
    private static void removeStaleTemporaries(Path dir, String name) {
        String prefix = "." + name + ".tmp-";
        try (var stale = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Leftover temporaries waste space but never affect a checkpoint; a failed clean-up is not an error.
            LoggerFactory.getLogger(CheckpointWriter.class).debug("could not remove stale temporaries of {} in {}: {}",
                    name, dir, e.toString());
        }
    }

    private static void writeAtomically(Path file, Checkpoint checkpoint) throws IOException {
        CheckpointFile.requireLittleEndian();
        List<Entry> entries = plan(checkpoint.tensors());
        JsonObject manifest = checkpoint.manifest();
        requireFinite(manifest, "manifest");

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(random));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                writeContent(channel, entries, manifest);
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            forceDirectory(dir);
            removeStaleTemporaries(dir, target.getFileName().toString());
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException suppressed) {
                    // the write's own failure is the one to report
                }
            }
        }
    }

    /** Lays the tensors out before anything is written, so that a checkpoint the format cannot hold fails early. */
    private static List<Entry> plan(Map<String, NDArray> tensors) {
        List<Entry> entries = new ArrayList<>(tensors.size());
        long end = CheckpointFile.HEADER_SIZE;
        for (Map.Entry<String, NDArray> tensor : tensors.entrySet()) {
            String name = tensor.getKey();
            NDArray array = tensor.getValue();
            DataType type = array.getDataType();
            String dtype = CheckpointFile.DTYPE_NAMES.get(type);
            if (dtype == null) {
                throw new IllegalArgumentException("tensor '" + name + "' has data type " + type
                        + ", which a Fulmen checkpoint cannot hold");
            }
            long[] shape = array.getShape().getShape();
            long length = Math.multiplyExact(array.size(), (long) type.getNumOfBytes());
            if (length > CheckpointFile.MAX_TENSOR_BYTES) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + length
                        + " bytes; a checkpoint tensor is at most " + CheckpointFile.MAX_TENSOR_BYTES + " bytes");
            }
            long offset = CheckpointFile.align(end);
            entries.add(new Entry(name, array, dtype, shape, offset, length));
            end = offset + length;
        }
        return entries;
    }

    private static void writeContent(FileChannel channel, List<Entry> entries, JsonObject manifest)
            throws IOException {
        long position = CheckpointFile.HEADER_SIZE;
        channel.position(position);
        JsonArray index = new JsonArray(entries.size());
        for (Entry entry : entries) {
            ByteBuffer padding = ZEROS.duplicate().limit((int) (entry.offset - position));
            int crc = 0;
            if (entry.length == 0) {
                writeFully(channel, padding);
            } else {
                crc = writeTensor(channel, entry, padding);
            }
            position = entry.offset + entry.length;
            JsonObject item = new JsonObject();
            item.addProperty("name", entry.name);
            item.addProperty("dtype", entry.dtype);
            JsonArray shape = new JsonArray(entry.shape.length);
            for (long dim : entry.shape) {
                shape.add(dim);
            }
            item.add("shape", shape);
            item.addProperty("offset", entry.offset);
            item.addProperty("length", entry.length);
            item.addProperty("crc32c", Integer.toUnsignedLong(crc));
            index.add(item);
        }
        JsonObject root = new JsonObject();
        root.add("tensors", index);
        root.add("manifest", manifest);
        byte[] json = utf8(GSON.toJson(root));

        long manifestOffset = position;
        long fileLength = manifestOffset + json.length + CheckpointFile.TRAILER_SIZE;
        writeFully(channel, ByteBuffer.wrap(json), CheckpointFile.trailer(fileLength));
        ByteBuffer header = CheckpointFile.header(CheckpointFile.FORMAT_VERSION, fileLength, manifestOffset,
                json.length, CheckpointFile.crc32c(json, 0, json.length));
        while (header.hasRemaining()) {
            channel.write(header, header.position());
        }
    }

    /** Writes one tensor's bytes after {@code padding}; returns their CRC32C. */
    private static int writeTensor(FileChannel channel, Entry entry, ByteBuffer padding) throws IOException {
        NDArray array = entry.array;
        // Copies made for the CPU or for contiguity land on a scratch manager, freed as soon as they are written,
        // instead of living on the array's manager for as long as the model does.
        try (NDManager scratch = array.getManager().getEngine().newBaseManager(Device.cpu())) {
            array.tempAttach(scratch);
            NDArray source = array.getDevice().equals(Device.cpu()) ? array : array.toDevice(Device.cpu(), true);
            ByteBuffer bytes = source.toByteBuffer(true);
            if (bytes.remaining() != entry.length) {
                throw new IllegalStateException("tensor '" + entry.name + "' gave " + bytes.remaining()
                        + " bytes, expected " + entry.length);
            }
            CRC32C crc = new CRC32C();
            for (int from = bytes.position(); from < bytes.limit(); from += CHUNK) {
                ByteBuffer chunk = bytes.slice(from, Math.min(CHUNK, bytes.limit() - from));
                crc.update(chunk.duplicate());
                if (padding != null) {
                    writeFully(channel, padding, chunk);
                    padding = null;
                } else {
                    writeFully(channel, chunk);
                }
            }
            return (int) crc.getValue();
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer... buffers) throws IOException {
        long remaining = 0;
        for (ByteBuffer buffer : buffers) {
            remaining += buffer.remaining();
        }
        while (remaining > 0) {
            remaining -= channel.write(buffers);
        }
    }

    private static byte[] utf8(String json) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(json));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "the manifest or a tensor name holds a string that is not valid Unicode (a lone surrogate)", e);
        }
    }

    private static void requireFinite(JsonElement element, String path) {
        if (element.isJsonObject()) {
            for (Map.Entry<String, JsonElement> member : element.getAsJsonObject().entrySet()) {
                requireFinite(member.getValue(), path + "." + member.getKey());
            }
        } else if (element.isJsonArray()) {
            JsonArray array = element.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                requireFinite(array.get(i), path + "[" + i + "]");
            }
        } else if (element.isJsonPrimitive()) {
            JsonPrimitive primitive = element.getAsJsonPrimitive();
            if (primitive.isNumber()) {
                Number number = primitive.getAsNumber();
                if ((number instanceof Double || number instanceof Float) && !Double.isFinite(number.doubleValue())) {
                    throw new IllegalArgumentException("'" + path + "' is " + number
                            + ", which JSON cannot hold; store it as the string \"" + number + "\"");
                }
            }
        }
    }

    /** Makes the rename durable. Some systems refuse to open or force a directory; the rename is then as durable as
     * the system makes it. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort, see above
        }
    }
}
