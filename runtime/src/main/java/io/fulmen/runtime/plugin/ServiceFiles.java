package io.fulmen.runtime.plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code META-INF/services/<provider interface>} files of a bundle's own jars and classes (not those the
 * application's class loader sees), read in the format {@link java.util.ServiceLoader} reads: one class name a
 * line, {@code #} starts a comment.
 */
final class ServiceFiles {
    /**
     * One class named by a services file.
     *
     * @param className the name as written
     * @param file      the services file, for messages ({@code lib/x.jar!/META-INF/services/...})
     */
    record Entry(String className, String file) {}

    private ServiceFiles() {}

    static List<Entry> entries(URLClassLoader bundle, Class<?> type) throws IOException {
        String resource = "META-INF/services/" + type.getName();
        List<Entry> out = new ArrayList<>();
        for (URL url : Collections.list(bundle.findResources(resource))) {
            URLConnection connection = url.openConnection();
            // Uncached: a cached jar is shared by every loader of the JVM, and one closing it breaks the others.
            connection.setUseCaches(false);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    int hash = line.indexOf('#');
                    String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                    if (!name.isEmpty()) {
                        out.add(new Entry(name, shortName(url)));
                    }
                }
            }
        }
        return out;
    }

    private static String shortName(URL url) {
        String s = url.toString();
        int bang = s.lastIndexOf("!/");
        String container = bang >= 0 ? s.substring(0, bang) : s;
        int slash = container.lastIndexOf('/');
        return (slash >= 0 ? container.substring(slash + 1) : container) + (bang >= 0 ? "!" + s.substring(bang + 1) : "");
    }
}
