package io.fulmen.runtime;

import io.fulmen.spi.ExperimentLoggerProvider;
import org.apiguardian.api.API;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A plugin bundle made at test time: sources compiled against the api alone, one jar with their classes and
 * {@code META-INF/services} files, {@code plugin.properties}, all zipped as {@code <plugins>/<id>.zip}.
 */
final class TestBundle {
    private final String id;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();

    private TestBundle(String id) {
        this.id = id;
    }

    static TestBundle named(String id) {
        return new TestBundle(id);
    }

    /** Adds the class {@code className} (package-qualified) with source lines {@code lines}. */
    TestBundle source(String className, String... lines) {
        sources.put(className, String.join("\n", lines));
        return this;
    }

    /** Declares {@code implementation} in {@code META-INF/services/<service>}. */
    TestBundle service(String service, String implementation) {
        services.computeIfAbsent(service, k -> new ArrayList<>()).add(implementation);
        return this;
    }

    /** Compiles, packs and zips the bundle into {@code plugins} (created when missing), using {@code work}. */
    Path zipInto(Path plugins, Path work) throws IOException {
        Path src = work.resolve(id + "-src");
        Path classes = work.resolve(id + "-classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-proc:none", "-d", classes.toString(), "-cp",
                codeSource(ExperimentLoggerProvider.class) + File.pathSeparator + codeSource(API.class)));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path file = src.resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("the test bundle " + id + " does not compile");
        }
        Files.createDirectories(plugins);
        Path zip = plugins.resolve(id + ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("plugin.properties"));
            out.write(("plugin.id=" + id + "\nplugin.version=1.0.0\nplugin.requires=>=0.1.0 & <1.0.0\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("lib/" + id + ".jar"));
            out.write(jar(classes));
            out.closeEntry();
        }
        return zip;
    }

    private byte[] jar(Path classes) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            // Directory entries too: PF4J's service-file finder looks the META-INF/services folder up as a resource.
            jar.putNextEntry(new JarEntry("META-INF/"));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry("META-INF/services/"));
            jar.closeEntry();
            for (Map.Entry<String, List<String>> s : services.entrySet()) {
                jar.putNextEntry(new JarEntry("META-INF/services/" + s.getKey()));
                jar.write((String.join("\n", s.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    jar.write(Files.readAllBytes(f));
                    jar.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    private static String codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a file a test bundle wrote, or "" when it does not exist yet. */
    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
