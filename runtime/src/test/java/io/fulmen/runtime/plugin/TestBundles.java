package io.fulmen.runtime.plugin;

import io.fulmen.spi.ExperimentLoggerProvider;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Real bundles built at test time: a logger provider compiled against the api, jarred, laid out and zipped. */
final class TestBundles {
    private TestBundles() {}

    /** A logger provider's source: {@code name()}, {@code description()} and {@code priority()} as given. */
    static String loggerSource(String pkg, String name, String description, int priority) {
        return String.join("\n",
                "package " + pkg + ";",
                "public final class Provider implements io.fulmen.spi.ExperimentLoggerProvider {",
                "  public String name() { return \"" + name + "\"; }",
                "  public String description() { return \"" + description + "\"; }",
                "  public int priority() { return " + priority + "; }",
                "  public io.fulmen.spi.ExperimentLogger create(io.fulmen.spi.ProviderContext c) {",
                "    throw new UnsupportedOperationException();",
                "  }",
                "}");
    }

    /** Compiles {@code source} (class {@code pkg.Provider}) into a jar whose services file holds {@code services}. */
    static Path jar(Path work, String pkg, String source, String services) throws IOException {
        Path dir = Files.createTempDirectory(work, "jar-");
        Path src = dir.resolve("src").resolve(pkg).resolve("Provider.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d", classes.toString(),
                "-cp", codeSource(ExperimentLoggerProvider.class), src.toString());
        assertEquals(0, rc, "compiling the test plugin " + pkg);
        Path jar = dir.resolve(pkg + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/" + ExperimentLoggerProvider.class.getName()));
            out.write(services.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    /** A jar with one logger provider {@code pkg.Provider}, registered correctly. */
    static Path loggerJar(Path work, String pkg, String name, String description, int priority) throws IOException {
        return jar(work, pkg, loggerSource(pkg, name, description, priority), pkg + ".Provider\n");
    }

    /** Lays out a folder bundle {@code plugins/<file>} with {@code properties} and {@code jar} in lib/. */
    static Path folder(Path plugins, String file, String properties, Path jar) throws IOException {
        Path bundle = plugins.resolve(file);
        Files.createDirectories(bundle.resolve("lib"));
        Files.writeString(bundle.resolve("plugin.properties"), properties);
        Files.copy(jar, bundle.resolve("lib").resolve(jar.getFileName()));
        return bundle;
    }

    /** A zip bundle {@code plugins/<file>.zip} with {@code properties} and {@code jar} in lib/. */
    static Path zip(Path plugins, String file, String properties, Path jar) throws IOException {
        Files.createDirectories(plugins);
        Path zip = plugins.resolve(file + ".zip");
        Path tmp = Files.createTempFile(plugins.getParent(), "bundle-", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            out.putNextEntry(new ZipEntry("plugin.properties"));
            out.write(properties.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("lib/" + jar.getFileName()));
            Files.copy(jar, out);
            out.closeEntry();
        }
        Files.move(tmp, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return zip;
    }

    /** plugin.properties for {@code id} at {@code version}, for the current api. */
    static String properties(String id, String version) {
        return "plugin.id=" + id + "\nplugin.version=" + version + "\nplugin.requires=>=0.1.0 & <1.0.0\n";
    }

    static String codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
