package io.fulmen.runtime.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.fulmen.runtime.checkpoint.ManifestIndex.Entry;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads checkpoint files written by {@link CheckpointWriter}, in the layout of {@code docs/checkpoint-format.md}.
 *
 * <p>A file is distrusted until checked: the header, the manifest and every tensor carry CRC32C checksums, the
 * manifest's JSON is parsed strictly and its tensor index checked for types and bounds (every tensor inside the
 * file, its length equal to its shape times its element size) before anything is allocated, so no allocation is
 * larger than the file. Every problem, from an empty file to a flipped byte, fails with a
 * {@link CheckpointFormatException} whose message starts with the path and says what is wrong. Reading runs no code
 * from the file and writes nothing anywhere.
 *
 * <p>A file of a newer format than this reader knows is refused with a message saying so; an older format would be
 * read by its own method here and returned in today's form (there is only format 1 so far).
 *
 * <p>Stateless and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class CheckpointReader {
    /** Read in chunks this size: a chunk just read is checksummed from cache. */
    private static final int CHUNK = 1 << 20;

    private CheckpointReader() {}

    record Layout(JsonObject manifest, List<Entry> entries) {}

    /**
     * Reads the checkpoint in {@code file}, creating its tensors on {@code manager} (in the file's order). On
     * failure no array is left on the manager.
     *
     * @throws CheckpointFormatException when the file is not a valid checkpoint this reader can read
     * @throws IOException when the file cannot be read
     */
    public static Checkpoint read(Path file, NDManager manager) throws IOException {
        return read(file, manager, Map.of());
    }

    /**
     * Reads the checkpoint in {@code file}, filling the arrays of {@code into} in place of creating new ones: a
     * tensor whose name is a key of {@code into} is read into that array (the returned checkpoint holds that very
     * array), every other tensor is created on {@code manager}. Resuming into a built model this way needs no
     * second copy of its parameters and, the model's memory being resident already, is much faster on a fresh
     * process. Names of {@code into} that the file lacks are ignored: compare with {@link Checkpoint#tensors()}.
     * A contiguous PyTorch CPU array is filled directly; any other through a copy.
     *
     * <p>On failure the arrays created are closed, and the arrays of {@code into} may hold part of the file's data.
     * The arrays of {@code into} must not be used by another thread meanwhile (see {@link CheckpointWriter}).
     *
     * @throws IllegalArgumentException when an array of {@code into} differs in data type or shape from the tensor
     *     of its name (checked before anything is read)
     * @throws CheckpointFormatException when the file is not a valid checkpoint this reader can read
     * @throws IOException when the file cannot be read
     */
    public static Checkpoint read(Path file, NDManager manager, Map<String, NDArray> into) throws IOException {
        return read(file, manager, into, true);
    }

    /**
     * As {@link #read(Path, NDManager, Map)}, except that an array of {@code into} that differs in data type or shape
     * from the tensor of its name is left alone: that tensor is created on {@code manager}, for the caller to report
     * the difference in its own terms (as restoring a module's parameters does).
     *
     * @throws CheckpointFormatException when the file is not a valid checkpoint this reader can read
     * @throws IOException when the file cannot be read
     */
    public static Checkpoint readReusing(Path file, NDManager manager, Map<String, NDArray> into) throws IOException {
        return read(file, manager, into, false);
    }

    @SuppressWarnings("try") // the checksums are closed early on failure, before the arrays they read
    private static Checkpoint read(Path file, NDManager manager, Map<String, NDArray> targets, boolean strict)
            throws IOException {
        CheckpointFile.requireLittleEndian();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout layout = readLayout(file, channel);
            Map<String, NDArray> into = strict ? targets : new LinkedHashMap<>(targets);
            long total = 0;
            for (Entry entry : layout.entries) {
                NDArray target = into.get(entry.name());
                if (target != null && (target.getDataType() != entry.type()
                        || !target.getShape().equals(new Shape(entry.shape())))) {
                    if (!strict) {
                        into.remove(entry.name());
                        total += entry.length();
                        continue;
                    }
                    throw new IllegalArgumentException(file + ": tensor " + ManifestIndex.quote(entry.name()) + " is "
                            + CheckpointFile.DTYPE_NAMES.get(entry.type()) + " " + Arrays.toString(entry.shape())
                            + ", but the array to read it into is " + target.getDataType() + " "
                            + Arrays.toString(target.getShape().getShape()));
                }
                total += entry.length();
            }
            boolean zeroCopy = isPyTorchCpu(manager);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            List<NDArray> created = new ArrayList<>();
            boolean complete = false;
            try (ChecksumPipeline checksums = new ChecksumPipeline(total)) {
                try {
                    long position = CheckpointFile.HEADER_SIZE;
                    for (Entry entry : layout.entries) {
                        checkPadding(file, channel, position, entry);
                        NDArray target = into.get(entry.name());
                        if (target != null) {
                            readInto(file, channel, entry, target, checksums);
                            tensors.put(entry.name(), target);
                        } else {
                            NDArray array = readTensor(file, channel, entry, manager, zeroCopy, checksums);
                            created.add(array);
                            tensors.put(entry.name(), array);
                        }
                        position = entry.offset() + entry.length();
                        checksums.check();
                    }
                    checksums.finish();
                    complete = true;
                } finally {
                    if (!complete) {
                        checksums.close(); // no checksum may read an array once it is closed
                        created.forEach(NDArray::close);
                    }
                }
            }
            return new Checkpoint(layout.manifest, tensors);
        }
    }

    /**
     * Reads the checkpoint in {@code file} without copying its tensors where the engine allows: on PyTorch's CPU,
     * each array wraps a private (copy-on-write) memory mapping of the file, so a file in the page cache loads at
     * the speed of one checksum pass over it, with no page zeroed or copied; other engines and devices are read as
     * by {@link #read(Path, NDManager)}. Every check of {@link #read(Path, NDManager)} runs, and every tensor's
     * checksum passes before its array is created.
     *
     * <p>What a mapping costs later: the first write to each 4 KiB page of such an array copies that page (a
     * copy-on-write fault), which costs more than a whole {@link #read(Path, NDManager)} of it ({@code benchmarks/run
     * checkpoint} prints both): map what is only read (weights for evaluation or prediction, values to copy
     * elsewhere), and read what training writes, or read it into the arrays it goes to. Arrays only read never pay
     * it, and share the page cache's memory. The file itself is never written. A mapping stays valid when the
     * file is replaced by a rename or deleted, as Fulmen's writer and checkpoint I/O do; a file cut shorter in place
     * while mapped (by another program) makes the process crash on the next access to the lost pages. A mapping is
     * released when its arrays are closed and the garbage collector has collected them. A file this process may not
     * open for writing (Java maps privately only through such a channel; nothing is written) is read instead.
     *
     * @throws CheckpointFormatException when the file is not a valid checkpoint this reader can read
     * @throws IOException when the file cannot be read or mapped
     */
    public static Checkpoint map(Path file, NDManager manager) throws IOException {
        if (!isPyTorchCpu(manager)) {
            return read(file, manager);
        }
        CheckpointFile.requireLittleEndian();
        FileChannel channel;
        try {
            // Java maps privately only through a channel open for writing; the file is never written.
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            return read(file, manager); // a read-only file or file system (or none: read says which)
        }
        try (channel) {
            Layout layout = readLayout(file, channel);
            return new Checkpoint(layout.manifest, MappedTensors.map(file, channel, layout.entries, manager));
        }
    }

    /**
     * Reads only the manifest of {@code file}: the header, the manifest and the tensor index are checked, the
     * tensors neither read nor checksummed. Cheap whatever the file's size.
     *
     * @throws CheckpointFormatException when the header or manifest is not valid
     * @throws IOException when the file cannot be read
     */
    public static JsonObject readManifest(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readLayout(file, channel).manifest;
        }
    }

    static Layout readLayout(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            throw new CheckpointFormatException(file, "the file is empty, not a Fulmen checkpoint");
        }
        ByteBuffer header = ByteBuffer.allocate(CheckpointFile.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        header.limit((int) Math.min(size, CheckpointFile.HEADER_SIZE));
        readFully(file, channel, header, 0, "the header");
        byte[] magic = Arrays.copyOf(header.array(), CheckpointFile.MAGIC.length);
        if (size < CheckpointFile.MAGIC.length || !Arrays.equals(magic, CheckpointFile.MAGIC)) {
            throw new CheckpointFormatException(file,
                    "not a Fulmen checkpoint (it does not start with the bytes \"FULMENCK\")");
        }
        if (size < CheckpointFile.FLAGS_AT) {
            throw new CheckpointFormatException(file, "truncated: the file is only " + size + " bytes");
        }
        int version = header.getInt(CheckpointFile.VERSION_AT);
        if (Integer.compareUnsigned(version, CheckpointFile.FORMAT_VERSION) > 0) {
            throw new CheckpointFormatException(file, "written by a newer Fulmen (checkpoint format "
                    + Integer.toUnsignedString(version) + "); this reader knows formats up to "
                    + CheckpointFile.FORMAT_VERSION + ": upgrade Fulmen");
        }
        // Format migration: an older version gets its own readLayoutVn here, returning today's Layout.
        if (version != 1) {
            throw new CheckpointFormatException(file, "invalid checkpoint format version " + version);
        }
        return readLayoutV1(file, channel, size, header);
    }

    private static Layout readLayoutV1(Path file, FileChannel channel, long size, ByteBuffer header)
            throws IOException {
        long minimum = CheckpointFile.HEADER_SIZE + CheckpointFile.TRAILER_SIZE;
        if (size < minimum) {
            throw new CheckpointFormatException(file, "truncated: the file is " + size
                    + " bytes, less than the " + minimum + " of the smallest checkpoint");
        }
        if (CheckpointFile.crc32c(header.array(), 0, CheckpointFile.HEADER_CRC_AT)
                != header.getInt(CheckpointFile.HEADER_CRC_AT)) {
            throw new CheckpointFormatException(file, "the header is corrupt (CRC32C mismatch)");
        }
        int flags = header.getInt(CheckpointFile.FLAGS_AT);
        if (flags != 0) {
            throw new CheckpointFormatException(file,
                    String.format("the header has flags 0x%08x, which format 1 does not define", flags));
        }
        for (int i = CheckpointFile.RESERVED_AT; i < CheckpointFile.HEADER_CRC_AT; i++) {
            if (header.get(i) != 0) {
                throw new CheckpointFormatException(file, "the header's reserved bytes are not zero");
            }
        }
        long fileLength = header.getLong(CheckpointFile.FILE_LENGTH_AT);
        if (fileLength != size) {
            if (Long.compareUnsigned(fileLength, size) > 0) {
                throw new CheckpointFormatException(file, "truncated: the header says the file is "
                        + Long.toUnsignedString(fileLength) + " bytes, but it is " + size);
            }
            throw new CheckpointFormatException(file, "the file is " + size + " bytes, but its header says "
                    + fileLength + ": " + (size - fileLength) + " unexpected bytes at its end");
        }
        ByteBuffer trailer = ByteBuffer.allocate(CheckpointFile.TRAILER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, trailer, size - CheckpointFile.TRAILER_SIZE, "the trailer");
        byte[] trailerMagic = Arrays.copyOfRange(trailer.array(), 8, CheckpointFile.TRAILER_SIZE);
        if (trailer.getLong(0) != size || !Arrays.equals(trailerMagic, CheckpointFile.TRAILER_MAGIC)) {
            throw new CheckpointFormatException(file, "the trailer is missing or corrupt");
        }
        long manifestOffset = header.getLong(CheckpointFile.MANIFEST_OFFSET_AT);
        long manifestLength = header.getLong(CheckpointFile.MANIFEST_LENGTH_AT);
        long manifestEnd = size - CheckpointFile.TRAILER_SIZE;
        if (manifestOffset < CheckpointFile.HEADER_SIZE || manifestOffset > manifestEnd
                || manifestLength != manifestEnd - manifestOffset) {
            throw new CheckpointFormatException(file, "the header places the manifest at offset "
                    + Long.toUnsignedString(manifestOffset) + ", length " + Long.toUnsignedString(manifestLength)
                    + ", which does not end where the trailer starts (" + manifestEnd + ")");
        }
        if (manifestLength > CheckpointFile.MAX_MANIFEST_BYTES) {
            throw new CheckpointFormatException(file, "the manifest is " + manifestLength
                    + " bytes, over the limit of " + CheckpointFile.MAX_MANIFEST_BYTES);
        }
        ByteBuffer manifestBytes = ByteBuffer.allocate((int) manifestLength);
        readFully(file, channel, manifestBytes, manifestOffset, "the manifest");
        if (CheckpointFile.crc32c(manifestBytes.array(), 0, (int) manifestLength)
                != header.getInt(CheckpointFile.MANIFEST_CRC_AT)) {
            throw new CheckpointFormatException(file, "the manifest is corrupt (CRC32C mismatch)");
        }
        JsonObject root = ManifestIndex.parse(file, manifestBytes.flip());
        return new Layout(ManifestIndex.manifestObject(file, root), ManifestIndex.index(file, root, manifestOffset));
    }

    static void checkPadding(Path file, FileChannel channel, long position, Entry entry) throws IOException {
        int gap = (int) (entry.offset() - position);
        if (gap == 0) {
            return;
        }
        ByteBuffer padding = ByteBuffer.allocate(gap);
        readFully(file, channel, padding, position, "the padding before tensor " + ManifestIndex.quote(entry.name()));
        for (byte b : padding.array()) {
            if (b != 0) {
                throw new CheckpointFormatException(file, "the padding before tensor " + ManifestIndex.quote(entry.name())
                        + " is corrupt (not zero bytes)");
            }
        }
    }

    private static NDArray readTensor(Path file, FileChannel channel, Entry entry, NDManager manager,
            boolean zeroCopy, ChecksumPipeline checksums) throws IOException {
        Shape shape = new Shape(entry.shape());
        if (entry.length() == 0) {
            return manager.create(shape, entry.type());
        }
        if (zeroCopy) {
            // Read straight into a fresh PyTorch tensor's memory: no zero-filling, no second copy.
            NDArray array = manager.create(shape, entry.type());
            ByteBuffer view;
            try {
                view = array.toByteBuffer(true);
            } catch (RuntimeException e) {
                array.close();
                throw e;
            }
            if (view.isDirect() && view.remaining() == entry.length()) {
                try {
                    readChecked(file, channel, view, entry, checksums);
                    return array;
                } catch (Throwable t) {
                    checksums.close(); // the worker may still be reading the array's memory
                    array.close();
                    throw t;
                }
            }
            array.close();
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) entry.length()).order(ByteOrder.nativeOrder());
        readChecked(file, channel, buffer, entry, checksums);
        checksums.finish(); // the engine may copy the buffer; it must be checked first
        return manager.create(buffer.rewind(), shape, entry.type());
    }

    /** Reads a tensor into an existing array of the same type and shape. */
    private static void readInto(Path file, FileChannel channel, Entry entry, NDArray target,
            ChecksumPipeline checksums) throws IOException {
        if (entry.length() == 0) {
            return;
        }
        if (isPyTorchCpu(target.getManager()) && Device.cpu().equals(target.getDevice())) {
            // toByteBuffer(true) gives the array's own memory when it is contiguous, else a contiguous copy made on
            // the array's manager: attached to a scratch manager meanwhile, a copy shows up there and is freed.
            try (NDManager scratch = target.getManager().getEngine().newBaseManager(Device.cpu())) {
                target.tempAttach(scratch);
                ByteBuffer view = target.toByteBuffer(true);
                if (scratch.getManagedArrays().size() == 1 && view.isDirect()
                        && view.remaining() == entry.length()) {
                    readChecked(file, channel, view, entry, checksums);
                    return;
                }
            }
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) entry.length()).order(ByteOrder.nativeOrder());
        readChecked(file, channel, buffer, entry, checksums);
        checksums.finish(); // never copy unchecked bytes into the caller's array
        target.set(buffer.rewind());
    }

    static boolean isPyTorchCpu(NDManager manager) {
        return "PyTorch".equals(manager.getEngine().getEngineName()) && Device.cpu().equals(manager.getDevice());
    }

    /**
     * Reads the tensor's bytes into {@code target} in chunks, each handed to the checksum pipeline once read, so
     * that it is checked while the next one is copied and, when both run on one thread, still in cache.
     */
    private static void readChecked(Path file, FileChannel channel, ByteBuffer target, Entry entry,
            ChecksumPipeline checksums) throws IOException {
        int length = (int) entry.length();
        int base = target.position();
        checksums.begin();
        for (int from = 0; from < length; from += CHUNK) {
            ByteBuffer chunk = target.slice(base + from, Math.min(CHUNK, length - from));
            readFully(file, channel, chunk, entry.offset() + from, "tensor " + ManifestIndex.quote(entry.name()));
            checksums.update(chunk.flip());
        }
        checksums.end(entry.crc(), () -> new CheckpointFormatException(file,
                "tensor " + ManifestIndex.quote(entry.name()) + " is corrupt (CRC32C mismatch)"));
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer target, long position, String what)
            throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new CheckpointFormatException(file, "truncated while reading " + what
                        + " (the file ended at byte " + at + ")");
            }
            at += n;
        }
    }


}
