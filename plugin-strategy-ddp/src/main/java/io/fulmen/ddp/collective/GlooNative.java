package io.fulmen.ddp.collective;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The JNI shim over Gloo ({@code src/main/native/fulmen_gloo.cpp}), built by this module's Maven build into
 * {@code native/linux-x86_64/libfulmen_gloo.so} when libgloo-dev and g++ are installed.
 *
 * <p>Codes for data types and reductions match the shim's enums. Every method throws {@link CollectiveException}
 * with Gloo's message when Gloo fails.
 */
final class GlooNative {

    static final int FLOAT32 = 0;
    static final int FLOAT64 = 1;
    static final int INT32 = 2;
    static final int INT64 = 3;

    static final int SUM = 0;
    static final int MEAN = 1;
    static final int MAX = 2;
    static final int MIN = 3;

    static final String RESOURCE = "/native/linux-x86_64/libfulmen_gloo.so";
    static final String INSTALL_HINT = "install Gloo and a C++ compiler (apt-get install libgloo-dev g++, or run "
            + "scripts/install-system-deps as root) and rebuild Fulmen";

    private GlooNative() {
    }

    /**
     * Loads the shim once per class loader: extracted to a temporary file of this process (never a shared cache, which
     * ranks starting together would race on) and loaded from there.
     *
     * @throws IllegalStateException when the shim is not in this build or libgloo is not installed, naming the fix
     */
    static void load() {
        Loaded.check();
    }

    /** The library loads at most once; a failure is remembered and reported to every caller. */
    private static final class Loaded {
        private static final IllegalStateException FAILURE = loadShim(GlooNative.class.getResource(RESOURCE));

        static void check() {
            if (FAILURE != null) {
                throw new IllegalStateException(FAILURE.getMessage(), FAILURE.getCause());
            }
        }
    }

    /**
     * @param shim the packed library, null when this build has none
     * @return null on success, else the failure to report (package-private for the missing-library test)
     */
    static IllegalStateException loadShim(URL shim) {
        String platform = (System.getProperty("os.name") + "/" + System.getProperty("os.arch")).toLowerCase(Locale.ROOT);
        if (!platform.equals("linux/amd64") && !platform.equals("linux/x86_64")) {
            return new IllegalStateException("the DDP strategy's Gloo collectives run on Linux x86-64 only, not on "
                    + platform);
        }
        if (shim == null) {
            return new IllegalStateException("the native Gloo shim (" + RESOURCE.substring(1) + ") is not in this build "
                    + "of fulmen-plugin-strategy-ddp: Maven compiles it only where Gloo's headers and g++ are present; "
                    + INSTALL_HINT);
        }
        Path file = null;
        try (InputStream in = shim.openStream()) {
            file = Files.createTempFile("fulmen_gloo-", ".so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
            return null;
        } catch (IOException e) {
            return new IllegalStateException("cannot extract the native Gloo shim to a temporary file: " + e, e);
        } catch (UnsatisfiedLinkError e) {
            return new IllegalStateException("cannot load the native Gloo shim (" + e.getMessage() + "): libgloo.so.0 "
                    + "and its libraries must be installed; " + INSTALL_HINT, e);
        } finally {
            // Loaded (or not): the mapping outlives the file, so nothing is left in /tmp even by a killed rank.
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /**
     * Forms the group: through Gloo's FileStore in {@code directory} when it is not null, else through
     * {@code store}.
     *
     * @return the group's handle
     */
    static native long connect(String directory, KeyValueStore store, int rank, int size, long timeoutMs,
            String hostname, String iface);

    /** Reduces each buffer in place; uses tags {@code tag .. tag + buffers.length}. */
    static native void allReduce(long group, ByteBuffer[] buffers, int dataType, int op, int tag);

    static native void broadcast(long group, ByteBuffer buffer, int root, int tag);

    static native void allGather(long group, ByteBuffer input, ByteBuffer output, int tag);

    static native void barrier(long group, int tag);

    static native void close(long group);

    /** @return the native address of a direct buffer, 0 for a heap buffer */
    static native long address(ByteBuffer buffer);
}
