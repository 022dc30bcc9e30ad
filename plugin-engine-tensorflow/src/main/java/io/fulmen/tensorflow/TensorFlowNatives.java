package io.fulmen.tensorflow;

import ai.djl.util.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * TensorFlow's native libraries for DJL, taken from the {@code org.tensorflow:tensorflow-core-native} jar this
 * plugin depends on (DJL would download them from its own servers). They are extracted once per native version into
 * a folder of DJL's engine cache, whole or not at all: into a private temporary folder first, then renamed into
 * place, so a second JVM extracting at the same time loses the rename and uses the winner's folder. DJL finds the
 * folder through {@code TENSORFLOW_LIBRARY_PATH}, set as a system property unless the user set it (as an
 * environment variable or property) to libraries of their own.
 */
final class TensorFlowNatives {
    /** DJL's key for a folder holding {@code libjnitensorflow.so} (read with {@code Utils.getEnvOrSystemProperty}). */
    static final String LIBRARY_PATH_KEY = "TENSORFLOW_LIBRARY_PATH";
    static final String PLATFORM = "linux-x86_64";
    private static final String JAVACPP_PATHS_FIRST = "org.bytedeco.javacpp.pathsFirst";
    private static final String RESOURCE_DIR = "org/tensorflow/internal/c_api/" + PLATFORM + "/";
    private static final List<String> FILES = List.of("libtensorflow_framework.so.2", "libtensorflow_cc.so.2",
            "libjnitensorflow.so", "LICENSE");
    private static final String POM_PROPERTIES =
            "META-INF/maven/org.tensorflow/tensorflow-core-native/pom.properties";
    private static final Logger LOG = LoggerFactory.getLogger(TensorFlowNatives.class);

    private TensorFlowNatives() {}

    /** Why the natives cannot be used here, or null when they can. Cheap: reads no library. */
    static String unavailableReason() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (userLibraryPath() != null) {
            return null;
        }
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "the bundled TensorFlow natives are for " + PLATFORM + ", this is " + os + "/" + arch
                    + "; set " + LIBRARY_PATH_KEY + " to a folder holding TensorFlow 2.16's libjnitensorflow.so";
        }
        if (loader().getResource(RESOURCE_DIR + "libjnitensorflow.so") == null) {
            return "org.tensorflow:tensorflow-core-native:" + PLATFORM + " is not on the class path (add it, or "
                    + "set " + LIBRARY_PATH_KEY + ")";
        }
        return null;
    }

    /**
     * Makes DJL find the natives: the user's own folder when {@code TENSORFLOW_LIBRARY_PATH} is set, else the
     * cached extraction (made now if missing); returns the folder.
     */
    static synchronized Path install() {
        String user = userLibraryPath();
        if (user != null) {
            return Path.of(user);
        }
        Path dir = Utils.getEngineCacheDir("tensorflow").resolve("fulmen-" + nativeVersion() + "-cpu-" + PLATFORM);
        if (!Files.isRegularFile(dir.resolve("libjnitensorflow.so"))) {
            extract(dir);
        }
        System.setProperty(LIBRARY_PATH_KEY, dir.toString());
        // TensorFlow Java's loader (JavaCPP) would extract the same 600 MB again into ~/.javacpp/cache from the jar
        // on the class path; searching paths first, it loads this folder (DJL names it as JavaCPP's preload path)
        if (System.getProperty(JAVACPP_PATHS_FIRST) == null) {
            System.setProperty(JAVACPP_PATHS_FIRST, "true");
        }
        return dir;
    }

    private static String userLibraryPath() {
        String value = Utils.getEnvOrSystemProperty(LIBRARY_PATH_KEY);
        return value == null || value.isBlank() ? null : value;
    }

    /** The tensorflow-core-native version on the class path, so a new version gets a folder of its own. */
    static String nativeVersion() {
        // DJL's tensorflow-api carries a pom.properties of the same name: read the one inside the natives' own jar
        java.net.URL library = loader().getResource(RESOURCE_DIR + "libjnitensorflow.so");
        String jar = library == null ? "" : library.toString();
        if (!jar.startsWith("jar:") || !jar.contains("!/")) {
            return "unknown";
        }
        try (InputStream in = java.net.URI.create(jar.substring(0, jar.indexOf("!/") + 2) + POM_PROPERTIES).toURL()
                .openStream()) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + POM_PROPERTIES, e);
        }
    }

    private static void extract(Path dir) {
        long start = System.nanoTime();
        Path tmp = null;
        try {
            Files.createDirectories(dir.getParent());
            tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp");
            for (String file : FILES) {
                try (InputStream in = loader().getResourceAsStream(RESOURCE_DIR + file)) {
                    if (in == null) {
                        throw new IllegalStateException(RESOURCE_DIR + file + " is missing from the class path: "
                                + "add org.tensorflow:tensorflow-core-native:" + nativeVersion() + ":" + PLATFORM);
                    }
                    Files.copy(in, tmp.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
                LOG.info("Extracted TensorFlow's natives to {} in {} ms", dir, (System.nanoTime() - start) / 1_000_000);
            } catch (IOException lostTheRace) {
                // rename(2) refuses a non-empty target: another process renamed its complete copy first
                if (!Files.isRegularFile(dir.resolve("libjnitensorflow.so"))) {
                    throw lostTheRace;
                }
                LOG.debug("TensorFlow's natives were extracted to {} by another process", dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract TensorFlow's natives into " + dir + ": " + e.getMessage()
                    + " (set DJL_CACHE_DIR to a writable folder, or " + LIBRARY_PATH_KEY + " to extracted ones)", e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    private static void deleteQuietly(Path tree) {
        try (Stream<Path> all = Files.walk(tree)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not remove {}: {}", tree, e.toString());
        }
    }

    private static ClassLoader loader() {
        return TensorFlowNatives.class.getClassLoader();
    }
}
