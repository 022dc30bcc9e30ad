package io.fulmen.runtime.plugin;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An installed bundle with its own class loader over {@code classes/} and {@code lib/*.jar} of its verified
 * folder (the layout PF4J's {@code DefaultPluginLoader} reads). Closing it closes the class loader.
 */
final class LoadedBundle implements AutoCloseable {
    private final InstalledBundle installed;
    private final SharedApiClassLoader loader;

    private LoadedBundle(InstalledBundle installed, SharedApiClassLoader loader) {
        this.installed = installed;
        this.loader = loader;
    }

    static LoadedBundle open(InstalledBundle installed, ClassLoader application) throws IOException {
        SharedApiClassLoader loader = new SharedApiClassLoader(installed.descriptor().toPf4j(), application);
        Path classes = installed.dir().resolve("classes");
        if (Files.isDirectory(classes)) {
            loader.addFile(classes.toFile());
        }
        Path lib = installed.dir().resolve("lib");
        if (Files.isDirectory(lib)) {
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(lib, "*.{jar,zip,JAR,ZIP}")) {
                entries.forEach(jars::add);
            }
            jars.stream().sorted().forEach(j -> loader.addFile(j.toFile()));
        }
        return new LoadedBundle(installed, loader);
    }

    InstalledBundle installed() {
        return installed;
    }

    SharedApiClassLoader loader() {
        return loader;
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
