package io.fulmen.datasets;

import org.apiguardian.api.API;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the IDX files {@link IdxReader} reads: images and labels as unsigned bytes, gzipped when the file name
 * ends in {@code .gz}. Files are written atomically (a temporary file, then a rename), and the output is
 * deterministic: gzip with the best compression and no timestamp, so rewriting the same data leaves the same bytes.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class IdxWriter {
    private IdxWriter() {}

    /** Writes an IDX image file. */
    public static void writeImages(Path file, IdxReader.Images images) {
        write(file, out -> {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(images.count());
            out.writeInt(images.rows());
            out.writeInt(images.cols());
            out.write(images.pixels());
        });
    }

    /** Writes an IDX label file. */
    public static void writeLabels(Path file, IdxReader.Labels labels) {
        write(file, out -> {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(labels.count());
            out.write(labels.values());
        });
    }

    private interface Body {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private static void write(Path file, Body body) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            // a plain new file (not createTempFile) so the result gets the usual umask permissions
            tmp = dir.resolve(file.getFileName() + ".tmp");
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 OutputStream maybeGzip = file.getFileName().toString().endsWith(".gz") ? new BestGzip(raw) : raw;
                 DataOutputStream out = new DataOutputStream(maybeGzip)) {
                body.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write IDX file " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp file only exists when the write failed
                }
            }
        }
    }

    /** Data sets ship in jars and get downloaded: compress them as far as gzip goes. */
    private static final class BestGzip extends GZIPOutputStream {
        BestGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
